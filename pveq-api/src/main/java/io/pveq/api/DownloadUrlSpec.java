package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A file the node downloads itself ({@code POST /nodes/{node}/storage/{storage}/download-url}): the
 * node fetches the URL and verifies the checksum; the task fails on a mismatch. Needs
 * {@code Sys.AccessNetwork} on the node (or {@code Sys.Audit}+{@code Sys.Modify} on {@code /}).
 *
 * @param url                the file's URL (http or https)
 * @param content            what it is; {@link ContentType#IMPORT} needs PVE 8.4+
 * @param filename           the name on the storage
 * @param checksum           the expected checksum, when known
 * @param verifyCertificates whether the node checks the server's TLS certificate (Proxmox's default: yes)
 */
public record DownloadUrlSpec(URI url, ContentType content, String filename, Optional<Checksum> checksum,
                              boolean verifyCertificates) {

    /** Validates. */
    public DownloadUrlSpec {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(checksum, "checksum");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new InvalidSpecException("url", "must be an http or https URL, got '"
                    + InvalidSpecException.shorten(url.toString()) + "'");
        }
        UploadSpec.StorageFileNames.check(content, filename);
    }

    /** @return a spec with certificate verification on and no checksum */
    public static DownloadUrlSpec of(URI url, ContentType content, String filename) {
        return new DownloadUrlSpec(url, content, filename, Optional.empty(), true);
    }

    /** @return a copy that the node verifies against {@code checksum} */
    public DownloadUrlSpec checksum(Checksum checksum) {
        return new DownloadUrlSpec(url, content, filename, Optional.of(checksum), verifyCertificates);
    }

    /** @return a copy with the node's certificate check on or off */
    public DownloadUrlSpec verifyCertificates(boolean verify) {
        return new DownloadUrlSpec(url, content, filename, checksum, verify);
    }
}
