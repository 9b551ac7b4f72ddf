package io.pveq.core;

/**
 * Whether a change to an existing VM honours the config lock Proxmox's own tasks put on it
 * ({@code lock: backup}, {@code migrate}, {@code clone}, {@code snapshot}, ...).
 */
public enum LockPolicy {
    /**
     * Refuse a locked VM with {@link VmLockedException} naming the lock, before any command that would
     * change the VM is sent (the default everywhere).
     */
    RESPECT,
    /**
     * Go ahead on a locked VM: the commands carry {@code --skiplock 1}. Proxmox allows that to root only,
     * and breaking into a running backup or migration can leave it failed or half done: an operator's
     * explicit choice, never a default.
     */
    OVERRIDE;

    /** @return true for {@link #OVERRIDE} */
    public boolean skipsLock() {
        return this == OVERRIDE;
    }
}
