package io.pveq.api;

import io.pveq.core.PveqException;
import java.time.Duration;

/** A task did not end within the time given to {@link TaskApi#await}. It is still running; stop it with {@link TaskApi#stop}. */
public class TaskTimeoutException extends PveqException {

    private final Upid upid;

    /**
     * @param upid   the task
     * @param waited how long it was awaited
     */
    public TaskTimeoutException(Upid upid, Duration waited) {
        super("task " + upid.type() + (upid.id().isEmpty() ? "" : " " + upid.id()) + " on node " + upid.node()
                + " still running after " + waited.toMillis() + " ms: " + upid);
        this.upid = upid;
    }

    /** @return the task, still running */
    public Upid upid() {
        return upid;
    }
}
