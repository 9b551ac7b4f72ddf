package io.pveq.core.event;

import java.util.Locale;
import java.util.Objects;

/**
 * Bytes moved so far by a download, upload or disk import. Message e.g.
 * {@code [*] 123.4 MiB of 512.0 MiB (24.1%) at 45.6 MiB/s}. Emitted at a bounded rate (a few per
 * second at most), not per buffer.
 *
 * @param stage          the stage ({@link Stage#DOWNLOADING_IMAGE}, {@link Stage#IMPORTING_DISK}, ...)
 * @param bytes          bytes done, not negative
 * @param totalBytes     expected total, or -1 when unknown
 * @param bytesPerSecond current rate, not negative
 * @param context        elapsed time, VM and address when known
 */
public record TransferProgress(Stage stage, long bytes, long totalBytes, double bytesPerSecond, EventContext context)
        implements ProgressEvent {

    /** Validates. */
    public TransferProgress {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(context, "context");
        if (bytes < 0 || totalBytes < -1 || !(bytesPerSecond >= 0) || Double.isInfinite(bytesPerSecond)) {
            throw new IllegalArgumentException("bad transfer figures: " + bytes + " of " + totalBytes
                    + " at " + bytesPerSecond + " B/s");
        }
    }

    @Override
    public EventStatus status() {
        return EventStatus.PROCESSING;
    }

    @Override
    public String message() {
        StringBuilder m = new StringBuilder("[*] ").append(Json.bytes(bytes));
        if (totalBytes >= 0) {
            m.append(" of ").append(Json.bytes(totalBytes));
            if (totalBytes > 0) {
                m.append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * bytes / totalBytes));
            }
        }
        return m.append(" at ").append(Json.bytes(Math.round(bytesPerSecond))).append("/s").toString();
    }
}
