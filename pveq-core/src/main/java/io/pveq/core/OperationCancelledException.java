package io.pveq.core;

/** The caller cancelled the operation; whatever it had changed has been rolled back. */
public class OperationCancelledException extends PveqException {

    /** @param message what was cancelled and what was rolled back */
    public OperationCancelledException(String message) {
        super(message);
    }
}
