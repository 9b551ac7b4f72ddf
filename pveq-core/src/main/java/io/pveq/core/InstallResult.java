package io.pveq.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A finished install: everything a caller needs to log in.
 *
 * @param vmId               the VM
 * @param name               its name
 * @param node               the node it runs on
 * @param ip                 its address, with the network's prefix length
 * @param user               the login user
 * @param release            the installed OS release
 * @param cpuLevel           the CPU model it was given
 * @param hostKeyFingerprint the guest's SSH host key as {@code SHA256:...}, recorded at first contact, when known
 * @param duration           how long the install took
 */
public record InstallResult(VmId vmId, String name, NodeName node, Ipv4Cidr ip, String user, OsRelease release,
                            CpuLevel cpuLevel, Optional<String> hostKeyFingerprint, Duration duration) {

    /** Validates. */
    public InstallResult {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(cpuLevel, "cpuLevel");
        Objects.requireNonNull(hostKeyFingerprint, "hostKeyFingerprint");
        Objects.requireNonNull(duration, "duration");
    }
}
