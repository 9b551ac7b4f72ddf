package io.pveq.core.internal.cluster;

import java.util.OptionalDouble;

/**
 * Hears the progress of a long Proxmox task (a disk import, a node's download, a migration): each output
 * or task-log line, with the percentage it states when it states one. Called on the waiting thread; fast,
 * never throws.
 */
@FunctionalInterface
public interface TaskProgress {

    /** Ignores everything. */
    TaskProgress NONE = (line, percent) -> { };

    /**
     * @param line    one line of the task's output or log
     * @param percent 0-100 when the line reports progress
     */
    void onLine(String line, OptionalDouble percent);
}
