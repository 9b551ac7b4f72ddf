package io.pveq.api;

import java.time.Duration;
import java.util.Objects;

/**
 * When the client tries a request again. Reads ({@code GET}) are retried on connection failures and
 * on 5xx answers that are not a definite reply (a missing VM, a refused privilege and the like are
 * answers, not failures); writes are never re-sent after they may have reached Proxmox, with two
 * exceptions that are safe by Proxmox's own guarantees: a lock timeout ({@code can't lock file ... got
 * timeout}: nothing was done) and a connection that could not be opened (nothing was sent). A create
 * whose answer was lost is resolved by looking at the cluster, not by sending it again.
 *
 * @param maxAttempts        attempts per request in all (1 = no retries)
 * @param initialBackoff     the pause before the first retry; each further pause doubles
 * @param maxBackoff         the longest pause
 * @param lockTimeoutAttempts attempts of a write that meets a lock timeout
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, int lockTimeoutAttempts) {

    /** Validates. */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1 || lockTimeoutAttempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be >= 0 and maxBackoff >= initialBackoff");
        }
    }

    /** @return 4 attempts, 200 ms doubling up to 3 s, 5 attempts on lock timeouts */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(3), 5);
    }

    /** @return one attempt per request, never a retry */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1);
    }

    /**
     * @param retry 1 for the first retry, 2 for the second, ...
     * @return the pause before that retry
     */
    public Duration backoff(int retry) {
        Duration pause = initialBackoff;
        for (int i = 1; i < retry && pause.compareTo(maxBackoff) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(maxBackoff) > 0 ? maxBackoff : pause;
    }
}
