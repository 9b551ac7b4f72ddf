package io.pveq.api;

import java.util.Objects;
import java.util.OptionalDouble;

/** What a {@link TaskListener} hears while a task is awaited. */
public sealed interface TaskEvent permits TaskEvent.LogLine, TaskEvent.Progress {

    /** @return the task */
    Upid upid();

    /**
     * One new line of the task log, in order, each line once.
     *
     * @param upid   the task
     * @param number the line number (from 1)
     * @param text   the line
     */
    record LogLine(Upid upid, int number, String text) implements TaskEvent {
        /** Validates. */
        public LogLine {
            Objects.requireNonNull(upid, "upid");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A progress line recognised in the log: a disk import or copy ({@code transferred 1.0 GiB of 2.0 GiB
     * (50.00%)}), a download or an upload's copy.
     *
     * @param upid    the task
     * @param percent 0 to 100, when the line gave one
     * @param text    the line it came from
     */
    record Progress(Upid upid, OptionalDouble percent, String text) implements TaskEvent {
        /** Validates. */
        public Progress {
            Objects.requireNonNull(upid, "upid");
            Objects.requireNonNull(percent, "percent");
            Objects.requireNonNull(text, "text");
        }
    }
}
