package io.pveq.api;

import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A container's state and usage now ({@code GET /nodes/{node}/lxc} and {@code .../lxc/{vmid}/status/current}).
 * Counters ({@code netIn}, {@code diskRead}, ...) are totals since the container started.
 *
 * @param vmId      the container
 * @param status    its power state
 * @param name      its host name
 * @param cpus      its CPU limit in cores
 * @param cpu       CPU use as a fraction of {@code cpus}
 * @param maxMem    its memory limit in bytes
 * @param mem       memory in use in bytes
 * @param maxSwap   its swap limit in bytes
 * @param swap      swap in use in bytes
 * @param maxDisk   its root volume size in bytes
 * @param disk      root volume space in use in bytes
 * @param uptime    how long it has run
 * @param netIn     bytes received
 * @param netOut    bytes sent
 * @param diskRead  bytes read
 * @param diskWrite bytes written
 * @param lock      its config lock, when locked
 */
public record ContainerStatus(VmId vmId, VmStatus status, String name, double cpus, double cpu, long maxMem, long mem,
                              long maxSwap, long swap, long maxDisk, long disk, Duration uptime, long netIn,
                              long netOut, long diskRead, long diskWrite, Optional<String> lock) {

    /** Validates. */
    public ContainerStatus {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uptime, "uptime");
        Objects.requireNonNull(lock, "lock");
    }
}
