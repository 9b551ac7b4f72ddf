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
        LineSplitter lines = listener.map(l -> new LineSplitter(l, stream)).orElse(null);
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (sink) {
                    sink.write(buffer, 0, n);
                }
                if (lines != null) {
                    lines.feed(buffer, 0, n);
                }
            }
        } finally {
            if (lines != null) {
                lines.finish();
            }
        }
    }
}
