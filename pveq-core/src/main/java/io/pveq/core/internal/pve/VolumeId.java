package io.pveq.core.internal.pve;

import java.util.Objects;

/**
 * A Proxmox volume ID {@code STORAGE:VOLUME} as printed by Proxmox, e.g. {@code local-lvm:vm-100-disk-0}
 * or {@code local:100/vm-100-disk-0.qcow2}. The volume part depends on the storage type and is only ever
 * taken from Proxmox's output, never guessed. Immutable.
 *
 * @param storage the storage ID
 * @param volume  the volume name within the storage
 */
public record VolumeId(String storage, String volume) {

    /** Validates. */
    public VolumeId {
        Checks.storage("storage", storage);
        Objects.requireNonNull(volume, "volume");
        if (volume.isEmpty() || volume.contains(",") || volume.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("bad volume name '" + volume + "'");
        }
    }

    /**
     * @param text {@code STORAGE:VOLUME}
     * @return the parsed ID
     * @throws IllegalArgumentException when the text is not a volume ID
     */
    public static VolumeId parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("not a volume ID: '" + text + "'");
        }
        return new VolumeId(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return storage + ":" + volume;
    }
}
