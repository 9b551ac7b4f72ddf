package io.pveq.api;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Proxmox tasks: the background jobs behind every long operation, each named by a {@link Upid}.
 * Thread-safe; every method but {@link #awaitAsync} blocks on the network.
 */
public interface TaskApi {

    /**
     * @param upid the task
     * @return its state now
     */
    TaskStatus status(Upid upid);

    /**
     * @param upid  the task
     * @param start lines to skip (0 for the first)
     * @param limit lines to return at most
     * @return the lines, numbered from 1
     */
    List<TaskEvent.LogLine> log(Upid upid, int start, int limit);

    /**
     * Stops a running task ({@code DELETE /nodes/{node}/tasks/{upid}}); a stopped one is left alone.
     *
     * @param upid the task
     */
    void stop(Upid upid);

    /**
     * Waits for a task to end, handing each new log line (and recognised progress) to {@code listener}.
     * The status may briefly be unknown right after the task was started; that is waited out.
     *
     * @param upid     the task
     * @param timeout  how long to wait at most, on the client's clock
     * @param listener hears the log; {@link TaskListener#NONE} for nothing
     * @return the result when the task ended well ({@code OK} or {@code WARNINGS: n})
     * @throws TaskFailedException  when it ended with an error (with the error text and the log's tail)
     * @throws TaskTimeoutException when it is still running after {@code timeout} (it is not stopped)
     */
    TaskResult await(Upid upid, Duration timeout, TaskListener listener);

    /**
     * {@link #await} on the client's executor.
     *
     * @param upid     the task
     * @param timeout  how long to wait at most
     * @param listener hears the log, on the executor's thread
     * @return the result, completed exceptionally as {@link #await} would throw
     */
    CompletableFuture<TaskResult> awaitAsync(Upid upid, Duration timeout, TaskListener listener);

    /** @return the cluster's recent tasks, newest first */
    List<TaskSummary> recent();
}
