package io.pveq.api;

import io.pveq.core.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A guest's resource use at one moment ({@code GET .../status/current}), as {@code docker stats} shows a
 * container's. Counters ({@code netIn}, {@code diskRead}, ...) are totals since the guest started; compare
 * two samples for rates ({@link #rateSince}).
 *
 * @param guest     the VM or container
 * @param at        when the sample was taken (the client's clock)
 * @param status    its power state
 * @param cpus      its CPUs (a container's limit may be fractional)
 * @param cpu       CPU use as a fraction of {@code cpus} (0 to 1)
 * @param mem       memory in use, bytes
 * @param maxMem    its memory, bytes
 * @param disk      root disk space in use, bytes (containers; 0 for VMs without an agent)
 * @param maxDisk   its root disk's size, bytes
 * @param netIn     bytes received
 * @param netOut    bytes sent
 * @param diskRead  bytes read
 * @param diskWrite bytes written
 * @param uptime    how long it has run
 */
public record GuestUsage(GuestRef guest, Instant at, VmStatus status, double cpus, double cpu, long mem, long maxMem,
                         long disk, long maxDisk, long netIn, long netOut, long diskRead, long diskWrite,
                         Duration uptime) {

    /** Validates. */
    public GuestUsage {
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(uptime, "uptime");
    }

    /** @return memory in use as a fraction of its memory (0 when it has none) */
    public double memFraction() {
        return maxMem <= 0 ? 0 : (double) mem / maxMem;
    }

    /**
     * @param earlier an earlier sample of the same guest
     * @return bytes per second received, sent, read and written between the two (0 after a restart)
     */
    public Rates rateSince(GuestUsage earlier) {
        double seconds = Math.max(0.001, Duration.between(earlier.at, at).toMillis() / 1000.0);
        return new Rates(rate(earlier.netIn, netIn, seconds), rate(earlier.netOut, netOut, seconds),
                rate(earlier.diskRead, diskRead, seconds), rate(earlier.diskWrite, diskWrite, seconds));
    }

    private static double rate(long before, long now, double seconds) {
        return now < before ? 0 : (now - before) / seconds;
    }

    /**
     * Throughput between two samples.
     *
     * @param netIn     bytes received per second
     * @param netOut    bytes sent per second
     * @param diskRead  bytes read per second
     * @param diskWrite bytes written per second
     */
    public record Rates(double netIn, double netOut, double diskRead, double diskWrite) {
    }
}
