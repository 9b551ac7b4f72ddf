package io.pveq.core.internal.engine;

import io.pveq.core.LockPolicy;
import io.pveq.core.VmId;
import io.pveq.core.VmLockedException;
import io.pveq.core.NodeName;
import io.pveq.core.internal.pve.VmConfig;
import java.util.Optional;

/**
 * The config-lock rule of every change to an existing VM: read the VM's config first and refuse a VM
 * that Proxmox has locked ({@code lock: backup}, {@code migrate}, ...) before any command that would
 * change it is sent, unless the caller chose {@link LockPolicy#OVERRIDE}. A lock that appears between
 * the check and the command is still refused by Proxmox itself ({@code VM is locked (x)}), and that
 * answer is never retried (see {@link Retry#transientFailure}). Stateless.
 */
final class LockGuard {

    private LockGuard() {
    }

    /**
     * @param what     the refused change, for the message, e.g. {@code destroy}
     * @param override whether the caller may pass {@code force} for this change (some Proxmox commands,
     *                 {@code qm migrate} and {@code qm reboot}, have no {@code --skiplock})
     * @return the VM's config, read once (callers reuse it)
     * @throws VmLockedException naming the lock when the VM is locked and {@code policy} respects it
     */
    static VmConfig check(EngineContext ctx, NodeName node, VmId vmId, LockPolicy policy, String what, boolean override) {
        VmConfig config = ctx.retry().read("config of VM " + vmId, () -> ctx.ops().config(node, vmId));
        Optional<String> lock = config.lock();
        if (lock.isPresent() && !policy.skipsLock()) {
            throw refused(vmId, lock.get(), what, override);
        }
        return config;
    }

    /** @return the exception for a refused change of a VM locked with {@code lock} */
    static VmLockedException refused(VmId vmId, String lock, String what, boolean override) {
        return new VmLockedException(vmId, lock, "VM " + vmId + " is locked (" + lock + ")" + meaning(lock)
                + "; " + what + " refused" + (override ? ": retry when the lock is gone, or pass force=true"
                + " to override it (--skiplock, root only)" : ": retry when the lock is gone (Proxmox cannot"
                + " override a lock for this)"));
    }

    private static String meaning(String lock) {
        return switch (lock) {
            case "backup" -> ": a backup is running";
            case "migrate" -> ": a migration is running or was cut short (qm unlock once it has ended)";
            case "clone" -> ": it is being cloned";
            case "create" -> ": it is still being created";
            case "snapshot", "snapshot-delete" -> ": a snapshot task is running";
            case "rollback" -> ": a snapshot rollback is running";
            case "suspending", "suspended" -> ": it is suspended to disk";
            default -> "";
        };
    }
}
