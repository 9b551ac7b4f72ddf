package io.pveq.api;

import io.pveq.core.CpuLevel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One node's hardware and load ({@code GET /nodes/{node}/status}).
 *
 * @param cpuModel    the CPU model
 * @param cpuFlags    the CPU flags, in {@code /proc/cpuinfo} spelling ({@code cpuinfo.flags})
 * @param cpus        logical CPUs
 * @param sockets     sockets
 * @param cores       physical cores
 * @param memoryTotal memory in bytes
 * @param memoryUsed  memory in use in bytes
 * @param cpu         CPU use as a fraction
 * @param uptime      how long it has run
 * @param pveVersion  e.g. {@code pve-manager/8.4.14/...}
 * @param kernel      the running kernel's release, empty when not reported
 * @param loadAverage the 1, 5 and 15 minute load averages
 */
public record NodeStatus(String cpuModel, Set<String> cpuFlags, int cpus, int sockets, int cores, long memoryTotal,
                         long memoryUsed, double cpu, Duration uptime, String pveVersion, String kernel,
                         List<Double> loadAverage) {

    /** Validates and copies. */
    public NodeStatus {
        Objects.requireNonNull(cpuModel, "cpuModel");
        cpuFlags = Set.copyOf(cpuFlags);
        Objects.requireNonNull(uptime, "uptime");
        Objects.requireNonNull(pveVersion, "pveVersion");
        Objects.requireNonNull(kernel, "kernel");
        loadAverage = List.copyOf(loadAverage);
    }

    /** @return the x86-64 CPU model level this node's flags support (as pveq chooses {@code --cpu}) */
    public CpuLevel cpuLevel() {
        return CpuLevel.fromFlags(cpuFlags);
    }
}
