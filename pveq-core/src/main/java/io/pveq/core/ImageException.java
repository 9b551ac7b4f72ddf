package io.pveq.core;

/** An OS image could not be resolved, downloaded, verified or placed on a node. */
public class ImageException extends PveqException {

    /** @param message what failed, naming the OS, version and URL where known */
    public ImageException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the OS, version and URL where known
     * @param cause   the underlying failure
     */
    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
