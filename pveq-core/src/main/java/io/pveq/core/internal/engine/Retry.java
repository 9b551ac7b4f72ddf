package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.LockTimeoutException;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.transport.TransportException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries transient Proxmox failures with exponential backoff: lock-file timeouts ({@code can't lock
 * file ... got timeout}: another task held the VM's lock file for a moment) and a lost quorum.
 * Everything else fails at once, config locks included ({@code VM is locked (backup)}): they last as
 * long as the backup or migration that set them, so the caller hears about them at once (HTTP 409).
 * Thread-safe and stateless apart from its settings.
 */
public final class Retry {

    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

    /** How the waiting between attempts happens; tests inject one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        /** The real one. */
        Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

        /** @throws InterruptedException when interrupted while waiting */
        void sleep(Duration duration) throws InterruptedException;
    }

    private final int attempts;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Sleeper sleeper;

    /**
     * @param attempts   how many tries in all, at least 1
     * @param firstDelay the wait after the first failure; doubled after each further one
     * @param maxDelay   the longest single wait
     * @param sleeper    how to wait
     */
    public Retry(int attempts, Duration firstDelay, Duration maxDelay, Sleeper sleeper) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.attempts = attempts;
        this.firstDelay = Objects.requireNonNull(firstDelay, "firstDelay");
        this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** @return 6 attempts, 500 ms doubling up to 8 s (about 23 s of waiting in all) */
    public static Retry defaults() {
        return new Retry(6, Duration.ofMillis(500), Duration.ofSeconds(8), Sleeper.SYSTEM);
    }

    /** @return a retry with the same policy that waits through {@code other} */
    public Retry withSleeper(Sleeper other) {
        return new Retry(attempts, firstDelay, maxDelay, other);
    }

    /**
     * @param e a failure
     * @return true when trying again later may succeed
     */
    public static boolean transientFailure(RuntimeException e) {
        if (e instanceof LockTimeoutException) {
            return true;
        }
        return e instanceof ClusterUnavailableException && String.valueOf(e.getMessage()).contains("quorum");
    }

    /**
     * Runs {@code action}, retrying transient failures.
     *
     * @param what    for logs, e.g. {@code qm set 101}
     * @param action  the work
     * @return its result
     * @throws OperationCancelledException when interrupted while waiting between attempts
     */
    public <T> T call(String what, Supplier<T> action) {
        return call(what, action, false);
    }

    /**
     * Runs a read that may safely run twice, retrying transient Proxmox failures and also a lost
     * connection ({@link TransportException}, not when the thread was interrupted).
     */
    public <T> T read(String what, Supplier<T> action) {
        return call(what, action, true);
    }

    private <T> T call(String what, Supplier<T> action, boolean idempotent) {
        Duration delay = firstDelay;
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                boolean retry = transientFailure(e) || idempotent && e instanceof TransportException
                        && !Thread.currentThread().isInterrupted();
                if (attempt >= attempts || !retry) {
                    throw e;
                }
                LOG.info("{}: {} (attempt {} of {}); retrying in {} ms", what, e.getMessage(), attempt, attempts,
                        delay.toMillis());
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new OperationCancelledException("interrupted while waiting to retry " + what);
                }
                delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
            }
        }
    }

    /**
     * Waits through the sleeper (tests record the pause instead of sleeping).
     *
     * @param why      for the message when interrupted
     * @param duration how long
     * @throws OperationCancelledException when interrupted
     */
    public void pause(String why, Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new OperationCancelledException("interrupted while waiting " + why);
        }
    }

    /** The same as {@link #call} for work without a result. */
    public void run(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }
}
