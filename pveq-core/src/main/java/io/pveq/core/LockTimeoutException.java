package io.pveq.core;

/**
 * Proxmox could not take its config lock in time ({@code can't lock file ... got timeout}). Transient:
 * pveq retries with backoff before letting it out.
 */
public class LockTimeoutException extends PveqException {

    private final VmId vmId;

    /** @param vmId the VM whose lock timed out */
    public LockTimeoutException(VmId vmId) {
        super("timed out waiting for the Proxmox lock of VM " + vmId);
        this.vmId = vmId;
    }

    /** @return the VM whose lock timed out */
    public VmId vmId() {
        return vmId;
    }
}
