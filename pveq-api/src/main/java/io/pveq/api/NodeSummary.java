package io.pveq.api;

import io.pveq.core.NodeName;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A node in the list {@code GET /nodes}.
 *
 * @param node           its name
 * @param status         {@code online}, {@code offline} or {@code unknown}
 * @param maxCpu         its CPUs, 0 when offline
 * @param cpu            CPU use as a fraction
 * @param maxMem         its memory in bytes
 * @param mem            memory in use in bytes
 * @param uptime         how long it has run
 * @param sslFingerprint the SHA-256 fingerprint of its certificate, when reported (pin it with
 *                       {@link TlsTrust#pinned(String)} after checking it on the node)
 */
public record NodeSummary(NodeName node, String status, int maxCpu, double cpu, long maxMem, long mem,
                          Duration uptime, Optional<String> sslFingerprint) {

    /** Validates. */
    public NodeSummary {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(uptime, "uptime");
        Objects.requireNonNull(sslFingerprint, "sslFingerprint");
    }

    /** @return true when the status is {@code online} */
    public boolean online() {
        return status.equals("online");
    }
}
