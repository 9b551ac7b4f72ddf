package io.pveq.api;

import java.util.List;
import java.util.Objects;

/**
 * A task that ended well ({@code OK} or {@code WARNINGS: n}).
 *
 * @param upid    the task
 * @param outcome {@link TaskOutcome.Succeeded} or {@link TaskOutcome.SucceededWithWarnings}
 * @param logTail the last lines of its log (at most 20)
 */
public record TaskResult(Upid upid, TaskOutcome outcome, List<String> logTail) {

    /** Validates and copies. */
    public TaskResult {
        Objects.requireNonNull(upid, "upid");
        Objects.requireNonNull(outcome, "outcome");
        logTail = List.copyOf(logTail);
        if (!outcome.succeeded()) {
            throw new IllegalArgumentException("a TaskResult holds a successful task only");
        }
    }
}
