package io.pveq.sim;

import io.pveq.core.InvalidSpecException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A storage of a simulated node. The type decides volume names as on a real node:
 * {@code vm-100-disk-0} on lvmthin and zfspool, {@code 100/vm-100-disk-0.qcow2} (or {@code .raw}) on
 * dir and nfs. An nfs storage is shared: its volumes are visible on every node that lists it.
 *
 * @param id         the storage id, e.g. {@code local-lvm}
 * @param type       the storage type
 * @param content    content types, e.g. {@code images}, {@code rootdir}, {@code iso}, {@code import}
 * @param totalBytes capacity
 * @param enabled    false for a disabled storage ({@code storage 'x' is disabled})
 */
public record SimStorage(String id, Type type, Set<String> content, long totalBytes, boolean enabled) {

    /** Storage types the simulator knows. */
    public enum Type {
        /** A directory: file volumes, qcow2 by default. */
        DIR("dir"),
        /** LVM thin pool: block volumes. */
        LVMTHIN("lvmthin"),
        /** ZFS pool: block volumes. */
        ZFSPOOL("zfspool"),
        /** NFS share: file volumes, shared by all nodes. */
        NFS("nfs");

        private final String proxmoxName;

        Type(String proxmoxName) {
            this.proxmoxName = proxmoxName;
        }

        /** @return the name Proxmox uses, e.g. {@code lvmthin} */
        public String proxmoxName() {
            return proxmoxName;
        }
    }

    /** Validates and copies. */
    public SimStorage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        if (!id.matches("[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
            throw new InvalidSpecException("storage", "must be a Proxmox storage id, got '" + id + "'");
        }
        content = Set.copyOf(new TreeSet<>(content));
        if (totalBytes <= 0) {
            throw new InvalidSpecException("storage", "capacity must be positive");
        }
    }

    /** @return a dir storage holding images, iso files, templates and imports */
    public static SimStorage dir(String id, long totalBytes) {
        return new SimStorage(id, Type.DIR, Set.of("images", "iso", "vztmpl", "backup", "import", "snippets"),
                totalBytes, true);
    }

    /** @return an LVM-thin storage holding images and container volumes */
    public static SimStorage lvmThin(String id, long totalBytes) {
        return new SimStorage(id, Type.LVMTHIN, Set.of("images", "rootdir"), totalBytes, true);
    }

    /** @return a ZFS pool storage holding images and container volumes */
    public static SimStorage zfsPool(String id, long totalBytes) {
        return new SimStorage(id, Type.ZFSPOOL, Set.of("images", "rootdir"), totalBytes, true);
    }

    /** @return a shared NFS storage holding images and imports */
    public static SimStorage nfs(String id, long totalBytes) {
        return new SimStorage(id, Type.NFS, Set.of("images", "iso", "import"), totalBytes, true);
    }

    /** @return this storage with other content types */
    public SimStorage withContent(String... types) {
        return new SimStorage(id, type, Set.of(types), totalBytes, enabled);
    }

    /** @return this storage, disabled */
    public SimStorage disabled() {
        return new SimStorage(id, type, content, totalBytes, false);
    }

    /** @return true for storages every node shares (nfs) */
    public boolean shared() {
        return type == Type.NFS;
    }
}
