package io.pveq.api;

/**
 * Hears a terminal's output line by line ({@link TerminalCommands}), without line endings or terminal
 * escape sequences. Called on OkHttp's websocket thread, in order; must be fast and must not throw (an
 * exception is logged and ignored).
 */
@FunctionalInterface
public interface OutputListener {

    /** A listener that ignores everything. */
    OutputListener NONE = line -> { };

    /** @param line one line of output */
    void line(String line);
}
