package io.pveq.core;

/** Proxmox reports the VM locked by another operation ({@code VM is locked (backup)}). */
public class VmLockedException extends VmStateException {

    private final String lock;

    /**
     * @param vmId the VM concerned
     * @param lock the lock name Proxmox reported, e.g. {@code backup}, {@code migrate}, {@code create}
     */
    public VmLockedException(VmId vmId, String lock) {
        super(vmId, "VM " + vmId + " is locked (" + lock + ")");
        this.lock = lock;
    }

    /** @return the lock name Proxmox reported */
    public String lock() {
        return lock;
    }
}
