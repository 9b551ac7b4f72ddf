package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import java.util.Objects;
import java.util.Optional;

/**
 * How to take a snapshot.
 *
 * @param description a description for it
 * @param vmState     also save a running VM's RAM (VMs only; ignored by Proxmox for a stopped VM)
 */
public record SnapshotOptions(Optional<String> description, boolean vmState) {

    /** Validates. */
    public SnapshotOptions {
        Objects.requireNonNull(description, "description");
        description.ifPresent(d -> {
            if (d.length() > 8192) {
                throw new InvalidSpecException("description", "must be at most 8192 characters, got " + d.length());
            }
        });
    }

    /** @return no description, disks only */
    public static SnapshotOptions defaults() {
        return new SnapshotOptions(Optional.empty(), false);
    }

    /** @return these options with a description */
    public SnapshotOptions withDescription(String text) {
        return new SnapshotOptions(Optional.of(text), vmState);
    }

    /** @return these options saving the VM's RAM too */
    public SnapshotOptions withVmState() {
        return new SnapshotOptions(description, true);
    }
}
