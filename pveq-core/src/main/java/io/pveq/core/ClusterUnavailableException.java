package io.pveq.core;

/** The cluster cannot act now: no quorum, or the main node cannot be reached (HTTP 503 in the server). */
public class ClusterUnavailableException extends PveqException {

    /** @param message what is wrong, for people */
    public ClusterUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, for people
     * @param cause   the underlying failure
     */
    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
