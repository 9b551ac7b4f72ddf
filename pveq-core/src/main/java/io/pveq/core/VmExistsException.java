package io.pveq.core;

/**
 * The VMID is already taken somewhere in the cluster, by a VM or a container: Proxmox refused the
 * create ({@code unable to create VM N - VM N already exists on node X}). The allocator reacts by
 * moving to the next candidate.
 */
public class VmExistsException extends PveqException {

    private final VmId vmId;
    private final String node;

    /**
     * @param vmId the id that is taken
     * @param node the node holding it, as Proxmox named it (empty when unknown)
     */
    public VmExistsException(VmId vmId, String node) {
        super("VMID " + vmId + " is already taken" + (node.isEmpty() ? "" : " on node " + node));
        this.vmId = vmId;
        this.node = node;
    }

    /** @return the id that is taken */
    public VmId vmId() {
        return vmId;
    }

    /** @return the node holding it, empty when unknown */
    public String node() {
        return node;
    }
}
