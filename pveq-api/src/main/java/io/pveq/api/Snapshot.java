package io.pveq.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One snapshot of a guest ({@code GET .../snapshot}).
 *
 * @param name        its name
 * @param description its description, empty when none
 * @param time        when it was taken
 * @param parent      the snapshot it was taken after, empty for a root
 * @param vmState     true when it holds the VM's RAM (a rollback resumes the running VM)
 */
public record Snapshot(String name, String description, Optional<Instant> time, Optional<String> parent,
                       boolean vmState) {

    /** Validates. */
    public Snapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(parent, "parent");
    }
}
