package io.pveq.core.transport;

import java.time.Duration;

/**
 * A command ran longer than its {@link CommandRequest#timeout()}; the transport has killed it (the
 * whole process tree for local commands) before throwing. The output produced until then is kept.
 */
public final class CommandTimeoutException extends TransportException {

    private final Duration timeout;
    private final String partialStdout;
    private final String partialStderr;

    /**
     * @param commandLine   the redacted command line, for the message
     * @param timeout       the limit that was exceeded
     * @param partialStdout standard output read before the kill, never null
     * @param partialStderr standard error read before the kill, never null
     */
    public CommandTimeoutException(String commandLine, Duration timeout, String partialStdout, String partialStderr) {
        super("command timed out after " + timeout.toMillis() + " ms and was killed: " + commandLine);
        this.timeout = timeout;
        this.partialStdout = partialStdout;
        this.partialStderr = partialStderr;
    }

    /** @return the limit that was exceeded */
    public Duration timeout() {
        return timeout;
    }

    /** @return standard output produced before the command was killed, never null */
    public String partialStdout() {
        return partialStdout;
    }

    /** @return standard error produced before the command was killed, never null */
    public String partialStderr() {
        return partialStderr;
    }
}
