package io.pveq.api;

import io.pveq.core.NodeName;
import java.util.Objects;
import java.util.Optional;

/**
 * A node as the cluster's membership sees it ({@code GET /cluster/status}, entries of type {@code node}).
 *
 * @param name   the node
 * @param online whether it is online
 * @param local  whether it is the node that answered
 * @param nodeId its corosync node id, 0 when not given
 * @param ip     its address, when given
 */
public record ClusterMember(NodeName name, boolean online, boolean local, int nodeId, Optional<String> ip) {

    /** Validates. */
    public ClusterMember {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ip, "ip");
    }
}
