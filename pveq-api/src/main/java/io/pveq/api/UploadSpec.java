package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A file to upload to a storage ({@code POST /nodes/{node}/storage/{storage}/upload}, multipart,
 * streamed from disk). Proxmox verifies the checksum when one is given; {@link #hashFirst()} has
 * the client hash the file first (an extra read of it).
 *
 * @param file            the local file
 * @param content         what it is; {@link ContentType#IMPORT} names must end in .qcow2, .raw, .vmdk or .ova
 * @param filename        the name on the storage
 * @param checksum        the expected checksum, when known
 * @param computeChecksum hash the file with SHA-256 before sending when no checksum is given
 */
public record UploadSpec(Path file, ContentType content, String filename, Optional<Checksum> checksum,
                         boolean computeChecksum) {

    /** Validates. */
    public UploadSpec {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(checksum, "checksum");
        StorageFileNames.check(content, filename);
    }

    /**
     * @param file     the local file
     * @param content  what it is
     * @param filename the name on the storage
     * @return a spec without checksum
     */
    public static UploadSpec of(Path file, ContentType content, String filename) {
        return new UploadSpec(file, content, filename, Optional.empty(), false);
    }

    /** @return a copy Proxmox verifies against {@code checksum} */
    public UploadSpec checksum(Checksum checksum) {
        return new UploadSpec(file, content, filename, Optional.of(checksum), false);
    }

    /** @return a copy that hashes the file (SHA-256) and has Proxmox verify it */
    public UploadSpec hashFirst() {
        return new UploadSpec(file, content, filename, checksum, true);
    }

    /** File name rules of a storage's content folders, shared by uploads and downloads. */
    static final class StorageFileNames {
        private StorageFileNames() {
        }

        static void check(ContentType content, String filename) {
            Objects.requireNonNull(filename, "filename");
            if (!filename.matches("[A-Za-z0-9][A-Za-z0-9_.+\\-]{0,254}")) {
                throw new InvalidSpecException("filename", "must be a plain file name (letters, digits, _ . + -),"
                        + " got '" + InvalidSpecException.shorten(filename) + "'");
            }
            String lower = filename.toLowerCase(java.util.Locale.ROOT);
            boolean ok = switch (content) {
                case ISO -> lower.endsWith(".iso") || lower.endsWith(".img");
                case VZTMPL -> lower.matches(".*\\.tar\\.(gz|xz|zst|bz2)") || lower.endsWith(".tgz");
                case IMPORT -> lower.endsWith(".qcow2") || lower.endsWith(".raw") || lower.endsWith(".vmdk")
                        || lower.endsWith(".ova");
            };
            if (!ok) {
                throw new InvalidSpecException("filename", switch (content) {
                    case ISO -> "an iso must be named .iso or .img";
                    case VZTMPL -> "a container template must be named .tar.gz, .tar.xz, .tar.zst, .tar.bz2 or .tgz";
                    case IMPORT -> "an import image must be named .qcow2, .raw, .vmdk or .ova (store an Ubuntu .img,"
                            + " which is qcow2, as .qcow2)";
                } + ", got '" + InvalidSpecException.shorten(filename) + "'");
            }
        }
    }
}
