package io.pveq.core.transport;

import io.pveq.core.PveqException;

/**
 * A command could not be run or could not finish: the program was not found, the connection failed
 * or dropped, the caller was interrupted. A command that ran and exited non-zero is not this; it is
 * a {@link CommandResult} with {@link CommandResult#exitCode()} other than 0.
 */
public class TransportException extends PveqException {

    /** @param message what failed, naming the transport and command; never null */
    public TransportException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the transport and command; never null
     * @param cause   the underlying failure, may be null
     */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
