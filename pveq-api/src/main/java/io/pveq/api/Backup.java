package io.pveq.api;

import io.pveq.core.VmId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup archive on a storage, as its content list shows it ({@code content=backup}).
 *
 * @param volid     its volume id, e.g. {@code local:backup/vzdump-qemu-101-2026_01_01-00_00_00.vma.zst}
 * @param vmId      the guest it is a backup of
 * @param created   when it was taken
 * @param sizeBytes the archive's size
 * @param format    e.g. {@code vma.zst}
 * @param notes     its notes, when it has some
 */
public record Backup(String volid, VmId vmId, Instant created, long sizeBytes, String format, Optional<String> notes) {

    /** Validates. */
    public Backup {
        Objects.requireNonNull(volid, "volid");
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(notes, "notes");
    }

    /** @return the storage it is on (the part of {@link #volid} before the colon) */
    public String storage() {
        return volid.substring(0, volid.indexOf(':'));
    }
}
