package io.pveq.api;

import io.pveq.core.PveqException;

/**
 * Hears samples of a watched guest or node ({@link StatsApi#watch}). Called on the poller's thread, in
 * order, once per poll for every watcher; must be fast and must not throw (an exception is logged and
 * ignored, and the watcher stays subscribed).
 *
 * @param <T> {@link GuestUsage} or {@link NodeUsage}
 */
@FunctionalInterface
public interface UsageListener<T> {

    /** @param sample the newest sample */
    void onSample(T sample);

    /**
     * A poll failed (the guest was deleted, the node is offline, ...); polling goes on.
     *
     * @param failure what went wrong
     */
    default void onError(PveqException failure) {
    }
}
