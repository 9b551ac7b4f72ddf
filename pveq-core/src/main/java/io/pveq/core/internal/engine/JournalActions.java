package io.pveq.core.internal.engine;

import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.internal.cluster.LockOverride;
import io.pveq.core.internal.cluster.PlacedImage;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.VmConfig;
import java.util.Optional;

/**
 * Carries out {@link JournalStep}s: the same code whether the operation that wrote them is rolling
 * back in this process or was interrupted and is recovered after a restart or a takeover. Thread-safe.
 */
final class JournalActions {

    private final EngineContext ctx;
    private final VmRemoval removal;

    JournalActions(EngineContext ctx) {
        this.ctx = ctx;
        this.removal = new VmRemoval(ctx);
    }

    /** @return what was done, for people; {@code ""} when nothing needed doing */
    String undo(JournalStep step) {
        if (step instanceof JournalStep.CreatedVm created) {
            return undoCreate(created);
        }
        if (step instanceof JournalStep.Migration migration) {
            return whereAfterMigration(migration);
        }
        if (step instanceof JournalStep.PlacedImage image) {
            return removeImage(image);
        }
        throw new IllegalArgumentException("unknown journal step " + step);
    }

    /**
     * The rollback of a create: when the VM is ours, destroy it wherever it is; free the id and address;
     * forget its guest. Ours means: it carries the name this install gave it, or it has only the
     * {@code lock: create} of a create that was cut short (Proxmox writes the name with the rest of the
     * config at the end of the create). The {@code pveq} tag alone is not proof: another pveq install that
     * won the id carries it too.
     */
    private String undoCreate(JournalStep.CreatedVm step) {
        VmId id = VmId.of(step.vmid());
        NodeName node = NodeName.of(step.node());
        Optional<VmConfig> config;
        try {
            config = Optional.of(ctx.retry().read("config of VM " + id, () -> ctx.ops().config(node, id)));
        } catch (VmNotFoundException notCreated) {
            config = Optional.empty();
        }
        String done;
        if (config.isEmpty()) {
            // not on the node it was created on (installs do not migrate): never created, or gone already;
            // a VM with this id elsewhere is someone else's
            done = "VM " + id + " was not created or is gone already";
        } else if (config.get().name().equals(Optional.of(step.name()))
                || config.get().name().isEmpty() && config.get().lock().equals(Optional.of("create"))) {
            // the one place pveq passes --skiplock on its own: its VM still carries the lock of its own
            // create, cut short; any other lock (a backup that picked the new VM up) is respected
            boolean ownCreateLock = config.get().lock().equals(Optional.of("create"));
            if (config.get().lock().isPresent() && !ownCreateLock) {
                throw LockGuard.refused(id, config.get().lock().get(), "the rollback's destroy", false);
            }
            done = removal.removeEverywhere(id, Optional.of(node), ownCreateLock ? LockOverride.OWN_CREATE
                    : LockOverride.NONE);
            done = done.isEmpty() ? "VM " + id + " was already gone" : done;
        } else {
            return "VM " + id + " is not ours (named " + config.get().name().orElse("-") + "); left alone";
        }
        Ipv4Address address = Ipv4Address.parse("address", step.address());
        ctx.allocator().release(id, address);
        ctx.guests().forget(new GuestChannel.Target(id, node, Optional.of(address), Optional.of(step.user()), false));
        return done;
    }

    private String whereAfterMigration(JournalStep.Migration step) {
        VmId id = VmId.of(step.vmid());
        Optional<NodeName> where;
        try {
            where = ctx.router().findVm(id).filter(ClusterVm::qemu).map(ClusterVm::node);
        } catch (RuntimeException e) {
            where = Optional.empty();
        }
        if (where.isEmpty()) {
            return "VM " + id + " not found after its migration from " + step.source() + " to " + step.target()
                    + " was interrupted";
        }
        Optional<String> lock;
        try {
            NodeName node = where.get();
            lock = ctx.retry().read("config of VM " + id, () -> ctx.ops().config(node, id)).lock();
        } catch (RuntimeException e) {
            lock = Optional.empty();
        }
        return "VM " + id + " is on " + where.get() + (lock.map(l -> " and still locked (" + l + "): a migration task may"
                + " still be running on the cluster; once it has ended, `qm unlock " + id + "` frees a lock it"
                + " left behind").orElse(" (interrupted migration from " + step.source() + " to " + step.target()
                + "; nothing to undo)"));
    }

    /**
     * The rollback of an image placement: deletes the image unless an install of this process still uses it
     * (then it stays, as a cache for the next installs). A removal Proxmox refuses (a token without
     * {@code Datastore.Allocate} on the storage) is reported, not fatal: the image is harmless where it is.
     */
    private String removeImage(JournalStep.PlacedImage step) {
        NodeName node = NodeName.of(step.node());
        if (!ctx.holds().unused(node, step.storage(), step.file())) {
            return "";
        }
        try {
            ctx.retry().run("remove image " + step.reference(), () -> ctx.ops().removeImage(
                    new PlacedImage(node, step.reference(), true)));
            return "removed image " + step.reference() + " from node " + node;
        } catch (io.pveq.core.PveqException e) {
            return "left image " + step.reference() + " on node " + node + " (" + e.getMessage() + ")";
        }
    }
}
