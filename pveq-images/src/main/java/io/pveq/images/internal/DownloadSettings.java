package io.pveq.images.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * How downloads behave.
 *
 * @param maxAttempts  HTTP attempts per download (first try included), at least 1
 * @param retryBackoff wait before the second attempt, doubled for each further one; zero for none
 * @param bufferSize   bytes per transfer buffer
 * @param bufferCount  buffers in flight between the network reader and the hashing thread
 * @param fsync        flush the image to the device before it enters the store
 */
public record DownloadSettings(int maxAttempts, Duration retryBackoff, int bufferSize, int bufferCount, boolean fsync) {

    /** Validates. */
    public DownloadSettings {
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (retryBackoff.isNegative()) {
            throw new IllegalArgumentException("retryBackoff must not be negative");
        }
        if (bufferSize < 4096 || bufferCount < 2) {
            throw new IllegalArgumentException("need at least 2 buffers of 4 KiB");
        }
    }

    /** @return 4 attempts, 1 s backoff, 8 buffers of 1 MiB, fsync on */
    public static DownloadSettings defaults() {
        return new DownloadSettings(4, Duration.ofSeconds(1), 1 << 20, 8, true);
    }
}
