package io.pveq.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A task's state ({@code GET /nodes/{node}/tasks/{upid}/status}).
 *
 * @param upid    the task
 * @param running true while it runs
 * @param outcome how it ended, once stopped
 */
public record TaskStatus(Upid upid, boolean running, Optional<TaskOutcome> outcome) {

    /** Validates. */
    public TaskStatus {
        Objects.requireNonNull(upid, "upid");
        Objects.requireNonNull(outcome, "outcome");
        if (running == outcome.isPresent()) {
            throw new IllegalArgumentException("a running task has no outcome and a stopped one has one");
        }
    }
}
