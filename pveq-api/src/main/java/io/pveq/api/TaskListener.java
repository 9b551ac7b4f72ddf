package io.pveq.api;

/**
 * Hears a task's log while it is awaited ({@link TaskApi#await}). Called on the awaiting thread, in
 * order; should be fast and must not throw (an exception is logged and ignored).
 */
@FunctionalInterface
public interface TaskListener {

    /** A listener that ignores everything. */
    TaskListener NONE = event -> { };

    /** @param event a new log line or a progress report */
    void onEvent(TaskEvent event);
}
