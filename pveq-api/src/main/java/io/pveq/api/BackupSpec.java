package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.VmId;
import java.util.Objects;
import java.util.Optional;

/**
 * One VM's backup with {@code vzdump}.
 *
 * @param vmId        the VM
 * @param storage     the storage to write to (it must take {@code backup} content)
 * @param mode        how to get a consistent image
 * @param compression the archive's compression
 * @param notes       notes for the archive ({@code notes-template}: {@code {{guestname}}} and {@code {{vmid}}}
 *                    are filled in by Proxmox)
 */
public record BackupSpec(VmId vmId, String storage, Mode mode, Compression compression, Optional<String> notes) {

    /** vzdump's {@code mode}. */
    public enum Mode {
        /** Live backup of a running VM through QEMU (the default). */
        SNAPSHOT,
        /** Suspend the VM while the backup starts. */
        SUSPEND,
        /** Shut the VM down for the backup and start it again. */
        STOP
    }

    /** vzdump's {@code compress}. */
    public enum Compression {
        /** No compression ({@code .vma}). */
        NONE("0"),
        /** LZO ({@code .vma.lzo}). */
        LZO("lzo"),
        /** gzip ({@code .vma.gz}). */
        GZIP("gzip"),
        /** Zstandard ({@code .vma.zst}), Proxmox's choice in its GUI. */
        ZSTD("zstd");

        private final String wire;

        Compression(String wire) {
            this.wire = wire;
        }

        /** @return the value Proxmox takes */
        public String wire() {
            return wire;
        }
    }

    /** Validates. */
    public BackupSpec {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(notes, "notes");
        if (storage == null || !storage.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
            throw new InvalidSpecException("storage", "must be a storage id (letters, digits, - _ .), got '"
                    + InvalidSpecException.shorten(storage) + "'");
        }
        notes.ifPresent(n -> {
            if (n.length() > 1024) {
                throw new InvalidSpecException("notes", "must be at most 1024 characters, got " + n.length());
            }
        });
    }

    /** @return a snapshot-mode, zstd-compressed backup of {@code vmId} to {@code storage}, without notes */
    public static BackupSpec of(VmId vmId, String storage) {
        return new BackupSpec(vmId, storage, Mode.SNAPSHOT, Compression.ZSTD, Optional.empty());
    }

    /** @return this spec with another mode */
    public BackupSpec withMode(Mode other) {
        return new BackupSpec(vmId, storage, other, compression, notes);
    }

    /** @return this spec with another compression */
    public BackupSpec withCompression(Compression other) {
        return new BackupSpec(vmId, storage, mode, other, notes);
    }

    /** @return this spec with notes */
    public BackupSpec withNotes(String text) {
        return new BackupSpec(vmId, storage, mode, compression, Optional.of(text));
    }
}
