package io.pveq.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A guest's snapshots as the tree Proxmox keeps (each links to its parent) and where the guest stands
 * now: {@code current}, a child of {@link #currentParent()}. Immutable.
 *
 * @param guest         the guest
 * @param snapshots     every snapshot, oldest first
 * @param currentParent the snapshot the guest's present state descends from, empty when none
 * @param running       whether the guest runs now
 */
public record SnapshotTree(GuestRef guest, List<Snapshot> snapshots, Optional<String> currentParent, boolean running) {

    /** Validates and copies. */
    public SnapshotTree {
        Objects.requireNonNull(guest, "guest");
        snapshots = List.copyOf(snapshots);
        Objects.requireNonNull(currentParent, "currentParent");
    }

    /** @return the snapshot of that name */
    public Optional<Snapshot> find(String name) {
        return snapshots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** @return the snapshots without a parent, oldest first */
    public List<Snapshot> roots() {
        return snapshots.stream().filter(s -> s.parent().isEmpty() || find(s.parent().get()).isEmpty()).toList();
    }

    /** @return the snapshots taken directly after {@code name}, oldest first */
    public List<Snapshot> children(String name) {
        return snapshots.stream().filter(s -> s.parent().map(name::equals).orElse(false)).toList();
    }

    /** @return the chain from a root down to the current state's parent (what a rollback could return to) */
    public List<Snapshot> currentBranch() {
        List<Snapshot> chain = new ArrayList<>();
        Optional<Snapshot> next = currentParent.flatMap(this::find);
        while (next.isPresent() && chain.size() <= snapshots.size()) {
            chain.add(0, next.get());
            next = next.get().parent().flatMap(this::find);
        }
        return List.copyOf(chain);
    }
}
