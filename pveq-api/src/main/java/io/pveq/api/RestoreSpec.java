package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.VmId;
import java.util.Objects;
import java.util.Optional;

/**
 * Restoring a VM backup ({@code POST /nodes/{node}/qemu} with {@code archive}). Proxmox's rules: the
 * target VMID must be free unless {@code force} replaces that (stopped) VM; {@code unique} gives the
 * restored VM new MAC addresses (and SMBIOS/generation ids) so that it can run beside the original.
 * {@link #asNewVm} sets {@code unique}, {@link #replacing} does not.
 *
 * @param archive the backup's volume id
 * @param target  the VMID to restore as
 * @param storage where to put the disks; empty keeps each disk's storage of the backup
 * @param force   replace an existing VM with that VMID (it must be stopped; its disks are destroyed)
 * @param unique  new MAC addresses and ids
 * @param start   start the VM after the restore
 */
public record RestoreSpec(String archive, VmId target, Optional<String> storage, boolean force, boolean unique,
                          boolean start) {

    /** Validates. */
    public RestoreSpec {
        if (archive == null || !archive.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]:backup/vzdump-qemu-\\d+-[^/\\s]+")) {
            throw new InvalidSpecException("archive", "must be a VM backup's volume id (storage:backup/vzdump-qemu-...),"
                    + " got '" + InvalidSpecException.shorten(archive) + "'");
        }
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(storage, "storage");
        storage.ifPresent(s -> {
            if (!s.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
                throw new InvalidSpecException("storage", "must be a storage id, got '" + InvalidSpecException.shorten(s) + "'");
            }
        });
    }

    /** @return a restore of {@code archive} as a new VM {@code target} beside the original (unique MACs) */
    public static RestoreSpec asNewVm(String archive, VmId target) {
        return new RestoreSpec(archive, target, Optional.empty(), false, true, false);
    }

    /** @return a restore of {@code archive} over the existing, stopped VM {@code target} (same MACs) */
    public static RestoreSpec replacing(String archive, VmId target) {
        return new RestoreSpec(archive, target, Optional.empty(), true, false, false);
    }

    /** @return this spec putting the disks on {@code other} */
    public RestoreSpec onStorage(String other) {
        return new RestoreSpec(archive, target, Optional.of(other), force, unique, start);
    }

    /** @return this spec starting the VM afterwards */
    public RestoreSpec thenStart() {
        return new RestoreSpec(archive, target, storage, force, unique, true);
    }
}
