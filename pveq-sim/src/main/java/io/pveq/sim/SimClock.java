package io.pveq.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told: the simulator's virtual time. Given to
 * {@link SimulatedCluster.Builder#clock(SimClock)}, it makes every simulated wait (operation
 * durations, boot delays, lock timeouts, readiness polling) advance this clock instead of sleeping,
 * so tests run instantly and deterministically. Thread-safe; millisecond resolution.
 */
public final class SimClock extends Clock {

    private final AtomicLong millis;

    /** @param start the initial instant */
    public SimClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /** @return a clock starting at 2026-01-01T00:00:00Z */
    public static SimClock create() {
        return new SimClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Moves the clock forward.
     *
     * @param amount how far; negative amounts are ignored
     */
    public void advance(Duration amount) {
        long delta = amount.toMillis();
        if (delta > 0) {
            millis.addAndGet(delta);
        }
    }

    /** Moves the clock to {@code target} unless it is already later. */
    public void advanceTo(Instant target) {
        millis.accumulateAndGet(target.toEpochMilli(), Math::max);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
