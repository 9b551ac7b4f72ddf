package io.pveq.api;

import io.pveq.core.NodeName;
import java.time.Duration;
import java.util.List;

/**
 * Live and historical resource use of guests and nodes, like {@code docker stats}: one sample on demand,
 * the RRD history, and watching with a listener. Watching fans out: however many watchers one guest (or
 * node) has at one interval, the client polls it once per interval and hands every watcher the same
 * sample; the poller stops when the last watcher closes. Thread-safe; {@code current} and
 * {@code history} block on the network, {@code watch} returns at once.
 */
public interface StatsApi {

    /**
     * @param guest the VM or container
     * @return its resource use now
     */
    GuestUsage current(GuestRef guest);

    /**
     * @param node the node
     * @return its resource use now
     */
    NodeUsage current(NodeName node);

    /**
     * @param guest     the VM or container
     * @param timeframe how far back
     * @param maximum   maxima per step instead of averages
     * @return the points of that timeframe, oldest first
     */
    List<UsagePoint> history(GuestRef guest, UsagePoint.Timeframe timeframe, boolean maximum);

    /**
     * Watches a guest: {@code listener} hears a sample every {@code interval} (the first at once) until the
     * returned handle is closed.
     *
     * @param guest    the VM or container
     * @param interval how often to poll (at least 100 ms); watchers of one guest at one interval share a poll
     * @param listener hears each sample
     * @return closes this watch (idempotent)
     */
    Watch watch(GuestRef guest, Duration interval, UsageListener<GuestUsage> listener);

    /**
     * Watches a node, as {@link #watch(GuestRef, Duration, UsageListener)} does a guest.
     *
     * @param node     the node
     * @param interval how often to poll (at least 100 ms)
     * @param listener hears each sample
     * @return closes this watch (idempotent)
     */
    Watch watch(NodeName node, Duration interval, UsageListener<NodeUsage> listener);

    /** @return how many polls run now (one per watched guest or node and interval) */
    int activePollers();

    /** A running watch. */
    interface Watch extends AutoCloseable {
        /** Stops this watcher; the poll stops with its last watcher. */
        @Override
        void close();
    }
}
