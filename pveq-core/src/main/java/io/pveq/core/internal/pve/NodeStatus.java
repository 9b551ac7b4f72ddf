package io.pveq.core.internal.pve;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /nodes/{node}/status}: what pveq needs about one node. Immutable.
 *
 * @param cpuFlags    the {@code /proc/cpuinfo} flags of the node's CPU
 * @param cpuModel    CPU model name
 * @param cpus        logical CPUs
 * @param sockets     sockets
 * @param memoryTotal total memory in bytes
 * @param memoryUsed  used memory in bytes
 * @param memoryFree  free memory in bytes
 * @param pveVersion  e.g. {@code pve-manager/8.4.14/b502d23c55afcba1}
 * @param loadAverage the 1/5/15-minute load averages (Proxmox sends them as strings)
 * @param uptime      uptime in seconds, if given
 */
public record NodeStatus(Set<String> cpuFlags, String cpuModel, int cpus, int sockets, long memoryTotal,
                         long memoryUsed, long memoryFree, String pveVersion, List<Double> loadAverage,
                         Optional<Long> uptime) {

    private static final Pattern MAJOR = Pattern.compile("pve-manager/(\\d+)\\.(\\d+)");

    /** Validates and copies. */
    public NodeStatus {
        cpuFlags = Set.copyOf(cpuFlags);
        Objects.requireNonNull(cpuModel, "cpuModel");
        Objects.requireNonNull(pveVersion, "pveVersion");
        loadAverage = List.copyOf(loadAverage);
        Objects.requireNonNull(uptime, "uptime");
    }

    /** @return the PVE major version (8, 9, ...) when {@code pveVersion} names one */
    public Optional<Integer> pveMajor() {
        Matcher m = MAJOR.matcher(pveVersion);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }
}
