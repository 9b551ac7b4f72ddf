package io.pveq.core;

import java.util.Objects;

/**
 * One cluster node's resources, in the units of the list response
 * ({@code {"node","max_cpu","max_memory","cpu","memory","memory_used","disk","running"}}).
 * Usage figures are fractions from 0 to 1 (Proxmox's own {@code cpu}; memory and disk computed
 * as used/total, 0 when the total is unknown).
 *
 * @param node         the node
 * @param online       whether the cluster sees it online ({@code running} in the list response)
 * @param maxCpu       its logical CPUs
 * @param maxMemoryMb  its memory in MB
 * @param cpu          CPU usage, 0-1
 * @param memory       memory usage, 0-1
 * @param memoryUsedMb memory in use in MB
 * @param disk         root disk usage, 0-1
 */
public record NodeInfo(NodeName node, boolean online, int maxCpu, long maxMemoryMb, double cpu, double memory,
                       long memoryUsedMb, double disk) {

    /** Validates. */
    public NodeInfo {
        Objects.requireNonNull(node, "node");
        if (maxCpu < 0 || maxMemoryMb < 0 || memoryUsedMb < 0) {
            throw new IllegalArgumentException("node " + node + ": sizes must not be negative");
        }
        for (double f : new double[] {cpu, memory, disk}) {
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("node " + node + ": usage must be a fraction 0-1, got " + f);
            }
        }
    }

    /**
     * @param used  amount used
     * @param total total amount, 0 or less when unknown
     * @return {@code used / total} clamped to 0-1; 0 when the total is unknown
     */
    public static double fraction(long used, long total) {
        return total <= 0 ? 0 : Math.max(0, Math.min(1, used / (double) total));
    }
}
