package io.pveq.core;

/** A new VM did not become reachable over SSH in time, or a command or script inside it failed. */
public class GuestAccessException extends PveqException {

    /** @param message what failed, naming the VM address, for people */
    public GuestAccessException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the VM address, for people
     * @param cause   the underlying failure
     */
    public GuestAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
