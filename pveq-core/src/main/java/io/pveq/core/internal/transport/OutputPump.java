package io.pveq.core.internal.transport;

import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.OutputListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Copies one output stream of a running command into a buffer and, when a listener is present,
 * line by line into it. Shared by every transport so they all capture and stream output the same
 * way. Each call runs on the thread that reads that stream.
 */
public final class OutputPump {

    private static final int BUFFER_BYTES = 32 * 1024;

    /** The most of one stream a {@link CommandResult} keeps: 64 MiB. */
    public static final int MAX_KEPT_BYTES = 64 << 20;

    private OutputPump() {
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param in       the command's stdout or stderr
     * @param sink     collects the bytes, up to {@link #MAX_KEPT_BYTES}; writes are synchronised on it so it can be
     *                 read concurrently
     * @param listener receives complete lines as they arrive
     * @param stream   which stream this is, for the listener
     * @throws IOException when reading fails (for example, the stream was cut by a kill); what was read is kept
     */
    public static void copy(InputStream in, ByteArrayOutputStream sink, Optional<OutputListener> listener,
                            OutputListener.Stream stream) throws IOException {
        Capture capture = new Capture(sink, listener, stream);
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                capture.write(buffer, 0, n);
            }
        } finally {
            capture.finish();
        }
    }

    /**
     * The push side of {@link #copy}: for a transport that reads a stream in chunks as they arrive
     * rather than with a blocking loop. Keeps at most {@link #MAX_KEPT_BYTES} of the stream in the
     * sink (so a command that prints without end cannot exhaust memory); the listener still gets every
     * line, and {@link #finish} logs a warning naming how much was not kept. Not thread-safe: one
     * instance per stream.
     */
    public static final class Capture {
        private final ByteArrayOutputStream sink;
        private final LineSplitter lines;
        private final OutputListener.Stream stream;
        private long dropped;

        /**
         * @param sink     collects the stream's bytes up to the cap; writes are synchronised on it so it can be
         *                 read concurrently
         * @param listener receives complete lines as they arrive
         * @param stream   which stream this is, for the listener
         */
        public Capture(ByteArrayOutputStream sink, Optional<OutputListener> listener, OutputListener.Stream stream) {
            this.sink = sink;
            this.stream = stream;
            this.lines = listener.map(l -> new LineSplitter(l, stream)).orElse(null);
        }

        /** Takes {@code length} bytes from {@code bytes} at {@code offset}. */
        public void write(byte[] bytes, int offset, int length) {
            synchronized (sink) {
                int keep = (int) Math.max(0, Math.min(length, MAX_KEPT_BYTES - sink.size()));
                sink.write(bytes, offset, keep);
                dropped += length - keep;
            }
            if (lines != null) {
                lines.feed(bytes, offset, length);
            }
        }

        /** The stream ended: delivers a last line that had no terminator. */
        public void finish() {
            if (lines != null) {
                lines.finish();
            }
            if (dropped > 0) {
                LoggerFactory.getLogger(OutputPump.class).warn("a command printed more than {} MiB on {}; the"
                        + " result keeps the first {} MiB, the other {} bytes went only to the output listener, if any",
                        MAX_KEPT_BYTES >> 20, stream.name().toLowerCase(java.util.Locale.ROOT), MAX_KEPT_BYTES >> 20,
                        dropped);
            }
        }

        /** @return bytes beyond the cap that the sink did not keep */
        public long droppedBytes() {
            return dropped;
        }
    }
}
