package io.pveq.core;

/** Proxmox reports the VM locked by another operation ({@code VM is locked (backup)}). */
public class VmLockedException extends VmStateException {

    private final String lock;

    /**
     * @param vmId the VM concerned
     * @param lock the lock name Proxmox reported, e.g. {@code backup}, {@code migrate}, {@code create}
     */
    public VmLockedException(VmId vmId, String lock) {
        this(vmId, lock, "VM " + vmId + " is locked (" + lock + ")");
    }

    /**
     * @param vmId    the VM concerned
     * @param lock    the lock name, e.g. {@code backup}
     * @param message names the lock and says what the caller can do, for people
     */
    public VmLockedException(VmId vmId, String lock, String message) {
        super(vmId, message);
        this.lock = lock;
    }

    /** @return the lock name Proxmox reported */
    public String lock() {
        return lock;
    }
}
