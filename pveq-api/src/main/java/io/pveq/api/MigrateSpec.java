package io.pveq.api;

import io.pveq.core.NodeName;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where and how to migrate a VM ({@code POST /nodes/{node}/qemu/{vmid}/migrate}).
 *
 * @param target         the node to move to
 * @param online         live-migrate a running VM (ignored for a stopped one)
 * @param withLocalDisks move local disks too
 * @param targetStorage  the storage for the disks on the target, when not the same
 * @param bandwidthKiBps a bandwidth limit in KiB/s
 */
public record MigrateSpec(NodeName target, boolean online, boolean withLocalDisks, Optional<String> targetStorage,
                          OptionalInt bandwidthKiBps) {

    /** Validates. */
    public MigrateSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(targetStorage, "targetStorage");
        Objects.requireNonNull(bandwidthKiBps, "bandwidthKiBps");
    }

    /** @return an offline migration to {@code target} */
    public static MigrateSpec to(NodeName target) {
        return new MigrateSpec(target, false, false, Optional.empty(), OptionalInt.empty());
    }

    /** @return a copy that live-migrates a running VM */
    public MigrateSpec live() {
        return new MigrateSpec(target, true, withLocalDisks, targetStorage, bandwidthKiBps);
    }

    /** @return a copy that moves local disks as well */
    public MigrateSpec moveLocalDisks() {
        return new MigrateSpec(target, online, true, targetStorage, bandwidthKiBps);
    }

    /** @return a copy putting the disks on {@code storage} */
    public MigrateSpec targetStorage(String storage) {
        return new MigrateSpec(target, online, withLocalDisks, Optional.of(storage), bandwidthKiBps);
    }
}
