package io.pveq.sim.internal;

import io.pveq.core.transport.TransportException;
import java.time.Clock;
import java.time.Duration;

/**
 * The simulator's time: a clock, a speed factor dividing every nominal duration, and waiting. With a
 * virtual clock (one that has {@code advance}), waiting moves the clock instead of sleeping.
 */
public final class SimTime {

    /** Advances a virtual clock. */
    public interface Advancer {
        void advance(Duration amount);
    }

    private final Clock clock;
    private final Advancer virtual;
    private final double speed;

    /**
     * @param clock   the time source
     * @param virtual advances the clock when virtual, null for real time
     * @param speed   nominal durations are divided by this; infinity makes them zero
     */
    public SimTime(Clock clock, Advancer virtual, double speed) {
        this.clock = clock;
        this.virtual = virtual;
        this.speed = speed;
    }

    public long nowMillis() {
        return clock.millis();
    }

    public Clock clock() {
        return clock;
    }

    public boolean isVirtual() {
        return virtual != null;
    }

    /** @return {@code nominal} divided by the speed factor */
    public Duration scaled(Duration nominal) {
        if (Double.isInfinite(speed)) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) (nominal.toNanos() / speed));
    }

    /** Waits {@code amount} of (already scaled) time. */
    public void pause(Duration amount) {
        if (amount.isZero() || amount.isNegative()) {
            return;
        }
        if (virtual != null) {
            virtual.advance(amount);
            return;
        }
        try {
            Thread.sleep(amount.toMillis(), (int) (amount.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while a simulated command ran", e);
        }
    }
}
