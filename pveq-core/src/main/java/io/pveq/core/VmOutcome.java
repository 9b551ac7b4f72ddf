package io.pveq.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a start, reboot, shutdown or migration yields.
 *
 * @param vmId     the VM
 * @param node     the node it is on now (the target after a migration)
 * @param status   its power state at the end
 * @param ip       its address, when pveq knows it (from its cloud-init config)
 * @param duration how long the operation took
 */
public record VmOutcome(VmId vmId, NodeName node, VmStatus status, Optional<Ipv4Address> ip, Duration duration) {

    /** Validates. */
    public VmOutcome {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(duration, "duration");
    }
}
