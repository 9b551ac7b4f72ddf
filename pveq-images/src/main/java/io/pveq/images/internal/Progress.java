package io.pveq.images.internal;

import io.pveq.core.image.ImageProvider.DownloadProgress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans progress out to every listener waiting on one transfer, at most every {@code intervalMillis}
 * (plus a final report), with the average rate since the transfer started. A listener that throws
 * is logged and ignored. Thread-safe.
 */
public final class Progress {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final List<DownloadProgress> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final long intervalMillis;
    private final long startMillis;
    private volatile long lastReport = Long.MIN_VALUE;
    private volatile long baseBytes = -1;

    /** @param clock time source for the rate @param intervalMillis minimum gap between reports */
    public Progress(Clock clock, long intervalMillis) {
        this.clock = clock;
        this.intervalMillis = intervalMillis;
        this.startMillis = clock.millis();
    }

    /** @param listener also told from now on */
    public void add(DownloadProgress listener) {
        listeners.add(listener);
    }

    /** Reports when the interval has passed since the last report, or when {@code force}. */
    public void update(long bytes, long total, boolean force) {
        long now = clock.millis();
        if (baseBytes < 0) {
            baseBytes = bytes;
        }
        if (!force && now - lastReport < intervalMillis) {
            return;
        }
        lastReport = now;
        double rate = (bytes - baseBytes) * 1000.0 / Math.max(1, now - startMillis);
        for (DownloadProgress listener : listeners) {
            try {
                listener.onProgress(bytes, total, rate);
            } catch (RuntimeException e) {
                LOG.warn("progress listener failed; ignored", e);
            }
        }
    }
}
