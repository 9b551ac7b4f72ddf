package io.pveq.core.transport;

/**
 * Receives a running command's output line by line, as it is produced (for progress such as the
 * {@code transferred X of Y} lines of a disk import).
 *
 * <p>Called from the transport's reader threads, possibly concurrently for stdout and stderr.
 * Implementations must be fast and must not throw; an exception thrown anyway is logged and ignored.
 */
@FunctionalInterface
public interface OutputListener {

    /** Which output a line came from. */
    enum Stream { STDOUT, STDERR }

    /**
     * @param stream where the line came from
     * @param line   the line without its terminator ({@code \n}, or {@code \r} for progress lines)
     */
    void onLine(Stream stream, String line);
}
