package io.pveq.core;

/** No VM with this id exists anywhere in the cluster (HTTP 404 in the server). */
public class VmNotFoundException extends PveqException {

    private final VmId vmId;

    /** @param vmId the id that was looked for */
    public VmNotFoundException(VmId vmId) {
        super("VM " + vmId + " does not exist");
        this.vmId = vmId;
    }

    /** @return the id that was looked for */
    public VmId vmId() {
        return vmId;
    }
}
