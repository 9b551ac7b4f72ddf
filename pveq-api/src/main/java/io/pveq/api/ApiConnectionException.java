package io.pveq.api;

import io.pveq.core.PveqException;

/**
 * The request got no answer: the connection could not be opened, or dropped, or timed out. For a
 * write, {@link #mayHaveBeenApplied()} says whether Proxmox may have acted on it: when true, look at
 * the cluster before sending it again.
 */
public class ApiConnectionException extends PveqException {

    private final boolean mayHaveBeenApplied;

    /**
     * @param message            what failed, for people
     * @param mayHaveBeenApplied whether the request may have reached Proxmox and been carried out
     * @param cause              the I/O failure
     */
    public ApiConnectionException(String message, boolean mayHaveBeenApplied, Throwable cause) {
        super(message, cause);
        this.mayHaveBeenApplied = mayHaveBeenApplied;
    }

    /** @return true when the request may have been carried out although no answer arrived */
    public boolean mayHaveBeenApplied() {
        return mayHaveBeenApplied;
    }
}
