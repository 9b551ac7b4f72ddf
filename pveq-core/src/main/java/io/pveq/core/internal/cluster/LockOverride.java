package io.pveq.core.internal.cluster;

/** Whether a stop or destroy goes through a Proxmox config lock, and why. */
public enum LockOverride {
    /** A lock is respected: Proxmox refuses the change ({@code VM is locked (backup)}). */
    NONE,
    /**
     * An operator asked for it ({@code force}): {@code --skiplock 1} / {@code skiplock=1}, which Proxmox
     * accepts from {@code root@pam} only (a token gets 403).
     */
    OPERATOR,
    /**
     * The rollback of pveq's own create, cut short, whose VM still carries {@code lock: create}: the CLI
     * dialect passes {@code --skiplock 1} (a create killed on the node keeps its lock forever); the API
     * dialect waits for the create task, which runs on the node whatever became of the client, to
     * release the lock.
     */
    OWN_CREATE
}
