package io.pveq.api;

import io.pveq.core.PveqException;
import java.util.List;
import java.util.Objects;

/**
 * A task ended with an error. Carries the error text (the task's {@code exitstatus}) and the last
 * lines of its log, which usually say why.
 */
public class TaskFailedException extends PveqException {

    private final Upid upid;
    private final String error;
    private final List<String> logTail;

    /**
     * @param upid    the task
     * @param error   its exit status text
     * @param logTail the last lines of its log
     */
    public TaskFailedException(Upid upid, String error, List<String> logTail) {
        super("task " + upid.type() + (upid.id().isEmpty() ? "" : " " + upid.id()) + " on node " + upid.node()
                + " failed: " + error + (logTail.isEmpty() ? "" : " (log: " + String.join(" | ", lastLines(logTail)) + ")"));
        this.upid = Objects.requireNonNull(upid, "upid");
        this.error = Objects.requireNonNull(error, "error");
        this.logTail = List.copyOf(logTail);
    }

    private static List<String> lastLines(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 5), lines.size());
    }

    /** @return the task */
    public Upid upid() {
        return upid;
    }

    /** @return the task's exit status, the error text */
    public String error() {
        return error;
    }

    /** @return the last lines of its log (at most 20) */
    public List<String> logTail() {
        return logTail;
    }
}
