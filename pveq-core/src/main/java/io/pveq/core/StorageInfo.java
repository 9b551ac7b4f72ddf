package io.pveq.core;

import java.util.Objects;
import java.util.Set;

/**
 * A storage as one node sees it ({@code /nodes/<node>/storage}).
 *
 * @param storage    its id, e.g. {@code local-zfs}
 * @param type       its type, e.g. {@code zfspool}, {@code lvmthin}, {@code dir}, {@code nfs}
 * @param content    the content types it holds, e.g. {@code images}, {@code iso}, {@code import}
 * @param active     whether it is active on the node
 * @param enabled    whether it is enabled
 * @param shared     whether all nodes see the same storage
 * @param totalBytes its size, 0 when unknown
 * @param usedBytes  bytes used
 * @param availBytes bytes available
 */
public record StorageInfo(String storage, String type, Set<String> content, boolean active, boolean enabled,
                          boolean shared, long totalBytes, long usedBytes, long availBytes) {

    /** Validates and copies. */
    public StorageInfo {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(type, "type");
        content = Set.copyOf(content);
    }

    /** @return true when VM disks can live here: enabled, active and holding {@code images} */
    public boolean holdsImages() {
        return enabled && active && content.contains("images");
    }

    /** @return true for storages that keep volumes as files ({@code dir}, {@code nfs}, {@code cifs}, {@code glusterfs}, {@code cephfs}, {@code btrfs}) */
    public boolean fileBased() {
        return Set.of("dir", "nfs", "cifs", "glusterfs", "cephfs", "btrfs").contains(type);
    }
}
