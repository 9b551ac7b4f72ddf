package io.pveq.core;

/** Where a long operation stands. */
public enum OperationState {
    /** Still working (rolling back counts as working). */
    RUNNING,
    /** Finished well. */
    SUCCEEDED,
    /** Failed; what it had changed has been rolled back. */
    FAILED,
    /** Cancelled by a caller; what it had changed has been rolled back. */
    CANCELLED;

    /** @return true for every state but {@link #RUNNING} */
    public boolean isFinished() {
        return this != RUNNING;
    }
}
