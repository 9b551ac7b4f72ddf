package io.pveq.api;

import io.pveq.core.VmId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One volume on a storage ({@code GET /nodes/{node}/storage/{storage}/content}).
 *
 * @param volid     the volume id, e.g. {@code local:import/debian-12.qcow2} or {@code local-lvm:vm-100-disk-0}
 * @param content   its content type, e.g. {@code images}, {@code iso}, {@code import}
 * @param format    its format, e.g. {@code qcow2}, {@code raw}, {@code iso}
 * @param sizeBytes its size in bytes
 * @param vmId      the VM owning it, for disk images
 * @param created   when it was created, when reported
 */
public record StorageVolume(String volid, String content, String format, long sizeBytes, Optional<VmId> vmId,
                            Optional<Instant> created) {

    /** Validates. */
    public StorageVolume {
        Objects.requireNonNull(volid, "volid");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(created, "created");
    }

    /** @return the part after {@code STORAGE:}, e.g. {@code import/debian-12.qcow2} */
    public String volume() {
        int colon = volid.indexOf(':');
        return colon < 0 ? volid : volid.substring(colon + 1);
    }
}
