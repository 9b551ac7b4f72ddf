package io.pveq.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's membership and quorum ({@code GET /cluster/status}). A single node that is not in a
 * cluster reports no cluster entry: then {@link #name()} is empty and {@link #quorate()} true.
 *
 * @param name    the cluster's name, empty for a stand-alone node
 * @param quorate whether it has quorum
 * @param members the nodes
 */
public record ClusterStatus(Optional<String> name, boolean quorate, List<ClusterMember> members) {

    /** Validates and copies. */
    public ClusterStatus {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
    }
}
