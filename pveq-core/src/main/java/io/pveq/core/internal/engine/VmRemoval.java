package io.pveq.core.internal.engine;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.internal.cluster.LockOverride;
import io.pveq.core.internal.pve.ClusterVm;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Stops and destroys a VM wherever it is at this moment: the node cluster state names first, then
 * every other reachable node (cluster state may lag behind a migration). Destroy purges the VM from
 * jobs and HA and removes unreferenced disks too. A config lock is passed over only when the caller
 * says so: an operator's {@code force}, or the rollback of a VM pveq is creating that still carries the
 * {@code create} lock of a create cut short. Lock-file timeouts are retried. Thread-safe.
 */
final class VmRemoval {

    private final EngineContext ctx;

    VmRemoval(EngineContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param vmId     the VM
     * @param hintNode where it was last seen
     * @return what was done, e.g. {@code stopped and destroyed VM 101 on pve2}; {@code ""} when the VM was gone already
     */
    String removeEverywhere(VmId vmId, Optional<NodeName> hintNode, LockOverride override) {
        Set<NodeName> candidates = new LinkedHashSet<>();
        try {
            ctx.router().findVm(vmId).filter(ClusterVm::qemu).map(ClusterVm::node).ifPresent(candidates::add);
        } catch (RuntimeException e) {
            // cluster state unreadable: fall back to asking each node
        }
        hintNode.ifPresent(candidates::add);
        List<NodeName> reachable = ctx.router().reachableNodes();
        candidates.addAll(reachable);
        for (NodeName node : candidates) {
            if (!reachable.contains(node)) {
                continue;
            }
            try {
                remove(node, vmId, override);
                return "stopped and destroyed VM " + vmId + " on " + node;
            } catch (VmNotFoundException notHere) {
                // try the next node
            }
        }
        return "";
    }

    /**
     * Stops (power off) and destroys with purge on one node, then tells the guest channel to forget the
     * VM (its SSH host key and connections), so a new VM at the same VMID and address is trusted afresh;
     * {@link VmNotFoundException} when not there.
     */
    void remove(NodeName node, VmId vmId, LockOverride override) {
        Optional<GuestChannel.Target> target = targetOf(node, vmId);
        boolean running = ctx.retry().read("status of VM " + vmId, () -> ctx.ops().status(node, vmId)).running();
        if (running) {
            ctx.retry().run("stop VM " + vmId, () -> ctx.ops().stop(node, vmId, override));
        }
        ctx.retry().run("destroy VM " + vmId, () -> ctx.ops().destroy(node, vmId, override));
        target.ifPresent(ctx.guests()::forget);
    }

    private Optional<GuestChannel.Target> targetOf(NodeName node, VmId vmId) {
        try {
            return Optional.of(GuestChannel.Target.of(vmId, node,
                    ctx.retry().read("config of VM " + vmId, () -> ctx.ops().config(node, vmId))));
        } catch (VmNotFoundException gone) {
            throw gone;
        } catch (RuntimeException unreadable) {
            return Optional.empty(); // the status read below decides; the caller forgets what it knows itself
        }
    }
}
