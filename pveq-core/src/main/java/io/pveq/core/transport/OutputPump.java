package io.pveq.core.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Copies one output stream of a running command into a buffer and, when a listener is present,
 * line by line into it. Shared by every transport so they all capture and stream output the same
 * way. Each call runs on the thread that reads that stream.
 */
public final class OutputPump {

    private static final int BUFFER_BYTES = 32 * 1024;

    private OutputPump() {
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param in       the command's stdout or stderr
     * @param sink     collects every byte; writes are synchronised on it so it can be read concurrently
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
     * rather than with a blocking loop. Not thread-safe: one instance per stream.
     */
    public static final class Capture {
        private final ByteArrayOutputStream sink;
        private final LineSplitter lines;

        /**
         * @param sink     collects every byte; writes are synchronised on it so it can be read concurrently
         * @param listener receives complete lines as they arrive
         * @param stream   which stream this is, for the listener
         */
        public Capture(ByteArrayOutputStream sink, Optional<OutputListener> listener, OutputListener.Stream stream) {
            this.sink = sink;
            this.lines = listener.map(l -> new LineSplitter(l, stream)).orElse(null);
        }

        /** Takes {@code length} bytes from {@code bytes} at {@code offset}. */
        public void write(byte[] bytes, int offset, int length) {
            synchronized (sink) {
                sink.write(bytes, offset, length);
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
        }
    }
}
