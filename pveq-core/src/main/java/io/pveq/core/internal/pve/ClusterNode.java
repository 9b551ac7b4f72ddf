package io.pveq.core.internal.pve;

import io.pveq.core.NodeName;
import java.util.Objects;
import java.util.Optional;

/**
 * A node from {@code /nodes} or {@code /cluster/resources --type node}. Offline nodes carry little more
 * than name and status. Immutable.
 *
 * @param node    node name
 * @param status  {@code online}, {@code offline} or {@code unknown}
 * @param cpu     CPU use 0..1, if known
 * @param maxCpu  logical CPUs, if known
 * @param mem     used memory in bytes, if known
 * @param maxMem  total memory in bytes, if known
 * @param disk    used root disk in bytes, if known
 * @param maxDisk root disk size in bytes, if known
 * @param uptime  uptime in seconds, if known
 * @param level   subscription level, if known
 */
public record ClusterNode(NodeName node, String status, Optional<Double> cpu, Optional<Integer> maxCpu,
                          Optional<Long> mem, Optional<Long> maxMem, Optional<Long> disk, Optional<Long> maxDisk,
                          Optional<Long> uptime, Optional<String> level) {

    /** Validates. */
    public ClusterNode {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
    }

    /** @return true when the node is online */
    public boolean online() {
        return status.equals("online");
    }
}
