package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.util.Objects;

/**
 * Which guest a call is about: a QEMU VM or an LXC container on a node. Snapshots, backups, statistics
 * and consoles work on both kinds; this names the one meant.
 *
 * @param node the node it lives on
 * @param type VM or container
 * @param vmId its id
 */
public record GuestRef(NodeName node, ClusterResource.GuestType type, VmId vmId) {

    /** Validates. */
    public GuestRef {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(vmId, "vmId");
    }

    /** @return the QEMU VM {@code vmId} on {@code node} */
    public static GuestRef vm(NodeName node, VmId vmId) {
        return new GuestRef(node, ClusterResource.GuestType.QEMU, vmId);
    }

    /** @return the LXC container {@code vmId} on {@code node} */
    public static GuestRef container(NodeName node, VmId vmId) {
        return new GuestRef(node, ClusterResource.GuestType.LXC, vmId);
    }

    /** @return the guest a cluster resource entry names */
    public static GuestRef of(ClusterResource.Guest guest) {
        return new GuestRef(guest.node(), guest.type(), guest.vmId());
    }

    /** @return true for a container */
    public boolean container() {
        return type == ClusterResource.GuestType.LXC;
    }

    /** @return {@code qemu} or {@code lxc}, as Proxmox's paths name the kind */
    public String pathKind() {
        return container() ? "lxc" : "qemu";
    }

    @Override
    public String toString() {
        return (container() ? "CT " : "VM ") + vmId + " on " + node;
    }
}
