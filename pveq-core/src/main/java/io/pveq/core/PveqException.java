package io.pveq.core;

/**
 * Root of every exception pveq throws. Unchecked: callers catch the subtypes that tell them what to
 * do ({@link VmNotFoundException}, {@link IpPoolExhaustedException}, ...) and let the rest propagate.
 *
 * <p>Messages are written for people: they name the VM, node, field or command involved and never
 * contain secrets (passwords and tokens are redacted before they reach an exception).
 */
public class PveqException extends RuntimeException {

    /** @param message what went wrong, for people; never null */
    public PveqException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, for people; never null
     * @param cause   the underlying failure, may be null
     */
    public PveqException(String message, Throwable cause) {
        super(message, cause);
    }
}
