package io.pveq.core.internal.pve;

import io.pveq.core.VmId;
import java.util.Objects;

/**
 * One row of {@code qm list} (local node only). Immutable.
 *
 * @param vmId        the VMID
 * @param name        the name; {@code VM <id>} for a VM without one, as Proxmox prints it
 * @param status      {@code running} or {@code stopped}
 * @param memoryMiB   configured memory in MiB
 * @param bootDiskGiB size of the boot disk in GiB (two decimals in the output)
 * @param pid         QEMU process id, 0 when stopped
 */
public record VmListEntry(VmId vmId, String name, String status, long memoryMiB, double bootDiskGiB, long pid) {

    /** Validates. */
    public VmListEntry {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
    }

    /** @return true when running */
    public boolean running() {
        return status.equals("running");
    }
}
