package io.pveq.core.internal.engine;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.PveNode;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Stops and destroys a VM wherever it is at this moment: the node cluster state names first, then
 * every other configured node (cluster state may lag behind a migration). Stop uses
 * {@code --skiplock}; destroy purges the VM from jobs and HA and removes unreferenced disks too.
 * Lock timeouts are retried. Thread-safe.
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
    String removeEverywhere(VmId vmId, Optional<NodeName> hintNode) {
        Set<NodeName> candidates = new LinkedHashSet<>();
        try {
            ctx.router().findVm(vmId).filter(ClusterVm::qemu).map(ClusterVm::node).ifPresent(candidates::add);
        } catch (RuntimeException e) {
            // cluster state unreadable: fall back to asking each node
        }
        hintNode.ifPresent(candidates::add);
        candidates.addAll(ctx.router().configuredNodes());
        for (NodeName node : candidates) {
            if (!ctx.router().configuredNodes().contains(node)) {
                continue;
            }
            PveNode pve = ctx.router().pve(node);
            try {
                remove(pve, vmId);
                return "stopped and destroyed VM " + vmId + " on " + node;
            } catch (VmNotFoundException notHere) {
                // try the next node
            }
        }
        return "";
    }

    /** Stops (forced, skiplock) and destroys with purge on one node; {@link VmNotFoundException} when not there. */
    void remove(PveNode pve, VmId vmId) {
        boolean running = ctx.retry().read("qm status " + vmId, () -> pve.status(vmId)).running();
        if (running) {
            ctx.retry().run("qm stop " + vmId, () -> pve.stop(vmId, true));
        }
        ctx.retry().run("qm destroy " + vmId, () -> pve.destroy(vmId, true, true, true));
    }
}
