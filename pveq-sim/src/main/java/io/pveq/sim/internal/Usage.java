package io.pveq.sim.internal;

import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.StorageState;
import io.pveq.sim.internal.state.VmState;

/** Resource figures derived from the state: storage use, node memory and CPU load. */
final class Usage {

    private Usage() {
    }

    /** @return bytes used on a storage as seen from {@code node} (all nodes for a shared storage) */
    static long storageUsed(ClusterState state, String node, StorageState storage) {
        long used = 0;
        for (VmState vm : state.vms.values()) {
            if (!storage.shared && !vm.node.equals(node)) {
                continue;
            }
            for (VmState.Volume volume : vm.volumes) {
                if (volume.storage.equals(storage.id)) {
                    used += volume.sizeBytes;
                }
            }
        }
        return Math.min(used, storage.totalBytes);
    }

    /** @return memory in use on a node: a base of 2 GiB plus a quarter of each running VM's memory */
    static long nodeMemoryUsed(ClusterState state, NodeState node) {
        long used = 2L << 30;
        for (VmState vm : state.vms.values()) {
            if (vm.node.equals(node.name) && vm.running()) {
                used += (QmQuery.memoryMb(vm) << 20) / 4;
            }
        }
        return Math.min(used, node.memoryBytes);
    }

    /** @return CPU load fraction of a node: 1% plus 2% per running VM, at most 1 */
    static double nodeCpu(ClusterState state, NodeState node) {
        if (!node.online) {
            return 0;
        }
        int running = 0;
        for (VmState vm : state.vms.values()) {
            if (vm.node.equals(node.name) && vm.running()) {
                running++;
            }
        }
        return Math.min(1.0, 0.01 + 0.02 * running);
    }
}
