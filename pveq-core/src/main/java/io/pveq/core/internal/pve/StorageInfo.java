package io.pveq.core.internal.pve;

import java.util.Objects;
import java.util.Set;

/**
 * A storage as seen from one node, from {@code /nodes/{node}/storage} (bytes) or {@code pvesm status}
 * (converted from KiB). Immutable.
 *
 * @param storage   storage ID
 * @param type      {@code dir}, {@code lvmthin}, {@code zfspool}, {@code nfs}, ...
 * @param content   content types ({@code images}, {@code import}, ...); empty when the source does not say
 * @param active    true when active on the node
 * @param enabled   true unless disabled in the storage config
 * @param shared    true for shared storage
 * @param total     size in bytes (0 when unknown or disabled)
 * @param used      used bytes
 * @param available free bytes
 */
public record StorageInfo(String storage, String type, Set<String> content, boolean active, boolean enabled,
                          boolean shared, long total, long used, long available) {

    /** Validates and copies. */
    public StorageInfo {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(type, "type");
        content = Set.copyOf(content);
    }

    /** @return true for storages whose volumes are files ({@code dir}, {@code nfs}, ...), named {@code VMID/NAME.FMT} */
    public boolean fileBased() {
        return Set.of("dir", "nfs", "cifs", "glusterfs", "cephfs", "btrfs").contains(type);
    }

    /** @return true when the storage can hold VM disks here now */
    public boolean usableForImages() {
        return active && enabled && (content.isEmpty() || content.contains("images"));
    }
}
