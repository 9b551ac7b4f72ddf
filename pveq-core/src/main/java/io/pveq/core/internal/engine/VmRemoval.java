package io.pveq.core.internal.engine;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.PveNode;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops and destroys a VM wherever it is at this moment: the node cluster state names first, then
 * every other configured node (cluster state may lag behind a migration). Destroy purges the VM from
 * jobs and HA and removes unreferenced disks too. {@code --skiplock} is passed only when the caller
 * says so: an operator's {@code force}, or the rollback of a VM pveq is creating that still carries the
 * {@code create} lock of a create cut short. Lock-file timeouts are retried. Thread-safe.
 */
final class VmRemoval {

    private static final Logger LOG = LoggerFactory.getLogger(VmRemoval.class);

    private final EngineContext ctx;

    VmRemoval(EngineContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param vmId     the VM
     * @param hintNode where it was last seen
     * @return what was done, e.g. {@code stopped and destroyed VM 101 on pve2}; {@code ""} when the VM was gone already
     */
    String removeEverywhere(VmId vmId, Optional<NodeName> hintNode, boolean skipLock) {
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
                remove(pve, vmId, skipLock);
                return "stopped and destroyed VM " + vmId + " on " + node;
            } catch (VmNotFoundException notHere) {
                // try the next node
            }
        }
        return "";
    }

    /**
     * Stops (power off) and destroys with purge on one node, then tells the guest access to forget the
     * VM's SSH endpoint (its host key and connections), so a new VM at the same VMID and address is
     * trusted afresh; {@link VmNotFoundException} when not there.
     *
     * @param skipLock pass {@code --skiplock 1} to both commands (see the class comment for when)
     */
    void remove(PveNode pve, VmId vmId, boolean skipLock) {
        Optional<GuestEndpoint> endpoint = endpointOf(pve, vmId);
        boolean running = ctx.retry().read("qm status " + vmId, () -> pve.status(vmId)).running();
        if (running) {
            ctx.retry().run("qm stop " + vmId, () -> pve.stop(vmId, skipLock));
        }
        ctx.retry().run("qm destroy " + vmId, () -> pve.destroy(vmId, true, true, skipLock));
        endpoint.ifPresent(this::forget);
    }

    private Optional<GuestEndpoint> endpointOf(PveNode pve, VmId vmId) {
        try {
            return PowerOps.SshTarget.of(ctx, pve, vmId).endpoint();
        } catch (VmNotFoundException gone) {
            throw gone;
        } catch (RuntimeException unreadable) {
            return Optional.empty(); // the status read below decides; the caller forgets what it knows itself
        }
    }

    /** Tells the guest access to drop the endpoint's host key and connections; never throws. */
    void forget(GuestEndpoint endpoint) {
        try {
            ctx.guests().forget(endpoint);
        } catch (RuntimeException e) {
            LOG.warn("guest access could not forget {}: {}", endpoint, e.toString());
        }
    }
}
