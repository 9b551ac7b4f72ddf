package io.pveq.core.internal.transport;

import io.pveq.core.transport.OutputListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a byte stream into UTF-8 lines for an {@link OutputListener}. Lines end at {@code \n},
 * {@code \r\n} or a lone {@code \r} (progress output rewrites its line with {@code \r}); a line
 * longer than {@link #MAX_LINE_BYTES} is delivered in pieces of that size (a character cut in two
 * there is garbled), so output without line ends cannot pile up. Not thread-safe: one instance per
 * stream. Public so every transport splits lines the same way.
 */
public final class LineSplitter {

    /** A line longer than this (1 MiB) is delivered in pieces of this size. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    private final OutputListener listener;
    private final OutputListener.Stream stream;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean lastWasCr;

    /**
     * @param listener receives each complete line
     * @param stream   which stream the bytes come from
     */
    public LineSplitter(OutputListener listener, OutputListener.Stream stream) {
        this.listener = listener;
        this.stream = stream;
    }

    /** Feeds {@code length} bytes from {@code bytes} at {@code offset}. */
    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (!lastWasCr) {
                    emit();
                }
                lastWasCr = false;
            } else if (b == '\r') {
                emit();
                lastWasCr = true;
            } else {
                line.write(b);
                lastWasCr = false;
                if (line.size() >= MAX_LINE_BYTES) {
                    emit(); // output without line ends must not pile up in memory
                }
            }
        }
    }

    /** Delivers a last line that had no terminator. */
    public void finish() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        try {
            listener.onLine(stream, text);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(LineSplitter.class).warn("output listener threw; ignored", e);
        }
    }
}
