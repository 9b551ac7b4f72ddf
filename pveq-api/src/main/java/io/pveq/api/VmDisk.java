package io.pveq.api;

import io.pveq.core.DiskSize;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A disk or CD-ROM of a VM's config, e.g. {@code scsi0: local-lvm:vm-100-disk-0,size=32G,discard=on}.
 *
 * @param slot    the config key, e.g. {@code scsi0}, {@code ide2}
 * @param volume  the volume or {@code none}/{@code cdrom}, e.g. {@code local-lvm:vm-100-disk-0}
 * @param size    its size, when the config says
 * @param options the other keys of the property string ({@code media}, {@code discard}, ...)
 */
public record VmDisk(String slot, String volume, Optional<DiskSize> size, Map<String, String> options) {

    /** Validates and copies. */
    public VmDisk {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(size, "size");
        options = Map.copyOf(options);
    }

    /** @return true for a CD-ROM drive (including the cloud-init drive) */
    public boolean cdrom() {
        return "cdrom".equals(options.get("media"));
    }

    /** @return true for the cloud-init drive ({@code vm-N-cloudinit}) */
    public boolean cloudInit() {
        return volume.contains("-cloudinit");
    }

    /** @return the storage part of the volume id, empty for {@code none}/{@code cdrom} or a path */
    public Optional<String> storage() {
        int colon = volume.indexOf(':');
        return colon <= 0 || volume.startsWith("/") ? Optional.empty() : Optional.of(volume.substring(0, colon));
    }
}
