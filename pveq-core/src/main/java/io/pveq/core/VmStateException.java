package io.pveq.core;

/**
 * The VM is not in a state that allows the operation (HTTP 409 in the server), e.g.
 * {@code VM 101 is running; stop it first} or {@code VM 101 is locked (backup)}.
 */
public class VmStateException extends PveqException {

    private final VmId vmId;

    /**
     * @param vmId    the VM concerned
     * @param message what the state is and what the caller can do, for people
     */
    public VmStateException(VmId vmId, String message) {
        super(message);
        this.vmId = vmId;
    }

    /** @return the VM concerned */
    public VmId vmId() {
        return vmId;
    }
}
