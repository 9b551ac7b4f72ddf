package io.pveq.api;

import io.pveq.core.NodeName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A node's resource use at one moment ({@code GET /nodes/{node}/status}).
 *
 * @param node        the node
 * @param at          when the sample was taken (the client's clock)
 * @param cpu         CPU use as a fraction of all its CPUs (0 to 1)
 * @param cpus        its logical CPUs
 * @param memUsed     memory in use, bytes
 * @param memTotal    its memory, bytes
 * @param rootUsed    root file system space in use, bytes
 * @param rootTotal   its root file system's size, bytes
 * @param loadAverage the 1, 5 and 15 minute load averages
 * @param uptime      how long it has run
 */
public record NodeUsage(NodeName node, Instant at, double cpu, int cpus, long memUsed, long memTotal, long rootUsed,
                        long rootTotal, List<Double> loadAverage, Duration uptime) {

    /** Validates and copies. */
    public NodeUsage {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(at, "at");
        loadAverage = List.copyOf(loadAverage);
        Objects.requireNonNull(uptime, "uptime");
    }
}
