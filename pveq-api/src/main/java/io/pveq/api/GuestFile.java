package io.pveq.api;

import java.util.Objects;

/**
 * A file read from inside a VM through its guest agent ({@link GuestAgentApi#readFile}).
 *
 * @param path      the path asked for
 * @param content   its content, decoded as UTF-8 text
 * @param truncated true when Proxmox stopped before the end (it reads at most 16 MiB)
 */
public record GuestFile(String path, String content, boolean truncated) {

    /** Validates. */
    public GuestFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
    }
}
