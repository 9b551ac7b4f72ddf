package io.pveq.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the cluster's recent tasks ({@code GET /cluster/tasks}).
 *
 * @param upid    the task
 * @param endTime when it ended; empty while running
 * @param status  its exit status once ended ({@code OK}, {@code WARNINGS: n} or the error)
 */
public record TaskSummary(Upid upid, Optional<Instant> endTime, Optional<String> status) {

    /** Validates. */
    public TaskSummary {
        Objects.requireNonNull(upid, "upid");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(status, "status");
    }

    /** @return true while the task runs */
    public boolean running() {
        return endTime.isEmpty();
    }
}
