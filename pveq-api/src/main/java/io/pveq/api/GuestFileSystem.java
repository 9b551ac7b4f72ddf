package io.pveq.api;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A mounted file system inside a VM, as its guest agent reports it ({@code agent/get-fsinfo}).
 *
 * @param name       the device name, e.g. {@code sda1}
 * @param mountPoint e.g. {@code /}
 * @param type       e.g. {@code ext4}
 * @param totalBytes its size, when the agent tells (qemu-guest-agent 5.0 and later)
 * @param usedBytes  the bytes in use, when the agent tells
 * @param devices    the block devices under it (e.g. {@code /dev/sda1}), possibly none
 */
public record GuestFileSystem(String name, String mountPoint, String type, OptionalLong totalBytes,
                              OptionalLong usedBytes, List<String> devices) {

    /** Validates and copies. */
    public GuestFileSystem {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(totalBytes, "totalBytes");
        Objects.requireNonNull(usedBytes, "usedBytes");
        devices = List.copyOf(devices);
    }
}
