package io.pveq.api;

import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A disk or drive to attach when a VM is created or updated. One of: a new empty disk
 * ({@code STORAGE:SIZE_IN_GiB}), a disk imported from an existing volume during the create
 * ({@code STORAGE:0,import-from=local:import/debian-12.qcow2}), the cloud-init drive
 * ({@code STORAGE:cloudinit}), or a CD-ROM. Immutable.
 *
 * @param slot    the config key, e.g. {@code scsi0}, {@code virtio1}, {@code ide2}
 * @param source  what goes there: {@code STORAGE:N}, {@code STORAGE:0}, {@code STORAGE:cloudinit}, a volume
 *                id, {@code none} or {@code cdrom}
 * @param options further property-string keys in order, e.g. {@code import-from}, {@code discard}, {@code media}
 */
public record DiskSpec(String slot, String source, Map<String, String> options) {

    private static final Pattern SLOT = Pattern.compile(
            "(ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|efidisk0|tpmstate0)");
    private static final Pattern STORAGE = Pattern.compile("[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]");
    private static final Pattern VOLUME = Pattern.compile("[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]:[^,\\s]+");

    /** Validates and copies, keeping order. */
    public DiskSpec {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(source, "source");
        if (!SLOT.matcher(slot).matches()) {
            throw new InvalidSpecException("disk", "slot must be ide0-3, sata0-5, scsi0-30, virtio0-15, efidisk0 or"
                    + " tpmstate0, got '" + InvalidSpecException.shorten(slot) + "'");
        }
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * @param slot    the config key
     * @param storage the storage to allocate on
     * @param size    the size; Proxmox allocates whole or fractional GiB
     * @return a new empty disk
     */
    public static DiskSpec newDisk(String slot, String storage, DiskSize size) {
        if (size.bytes() <= 0) {
            throw new InvalidSpecException(slot, "a new disk needs a size above zero");
        }
        String gib = new java.math.BigDecimal(size.bytes())
                .divide(java.math.BigDecimal.valueOf(DiskSize.GIB)).stripTrailingZeros().toPlainString();
        return new DiskSpec(slot, storage(slot, storage) + ":" + gib, Map.of());
    }

    /**
     * A disk filled from an existing volume while the VM is created ({@code import-from}); with a token
     * the source must be a volume id such as {@code local:import/debian-12.qcow2} (an absolute path is for
     * {@code root@pam} only).
     *
     * @param slot         the config key
     * @param storage      the storage to create the disk on
     * @param sourceVolume the volume to import, {@code STORAGE:VOLUME}
     * @return the disk
     */
    public static DiskSpec importFrom(String slot, String storage, String sourceVolume) {
        if (sourceVolume == null || !VOLUME.matcher(sourceVolume).matches()) {
            throw new InvalidSpecException(slot, "import-from must be a volume id STORAGE:VOLUME such as"
                    + " local:import/debian-12.qcow2, got '" + InvalidSpecException.shorten(sourceVolume) + "'");
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("import-from", sourceVolume);
        return new DiskSpec(slot, storage(slot, storage) + ":0", options);
    }

    /**
     * @param slot    the config key, e.g. {@code ide2} (virtio cannot hold a CD-ROM)
     * @param storage the storage for the cloud-init image
     * @return the cloud-init drive
     */
    public static DiskSpec cloudInit(String slot, String storage) {
        if (slot.startsWith("virtio")) {
            throw new InvalidSpecException(slot, "the cloud-init drive is a CD-ROM and cannot sit on virtio");
        }
        return new DiskSpec(slot, storage(slot, storage) + ":cloudinit", Map.of());
    }

    /**
     * @param slot      the config key, e.g. {@code ide2}
     * @param isoVolume an ISO volume id such as {@code local:iso/debian.iso}, or empty for an empty drive
     * @return a CD-ROM drive
     */
    public static DiskSpec cdrom(String slot, Optional<String> isoVolume) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("media", "cdrom");
        return new DiskSpec(slot, isoVolume.orElse("none"), options);
    }

    /**
     * @param key   a property-string key, e.g. {@code discard}, {@code ssd}, {@code iothread}, {@code cache}
     * @param value its value
     * @return a copy with the key added (or replaced)
     */
    public DiskSpec with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new DiskSpec(slot, source, copy);
    }

    private static String storage(String slot, String storage) {
        if (storage == null || !STORAGE.matcher(storage).matches()) {
            throw new InvalidSpecException(slot, "storage must be a Proxmox storage id such as local-lvm, got '"
                    + InvalidSpecException.shorten(storage) + "'");
        }
        return storage;
    }
}
