package io.pveq.sim.internal.state;

import java.util.function.Function;

/**
 * Guards the cluster state. Every update is atomic with respect to every other update, in this
 * process and (for the folder store) in every process sharing the folder: this is what makes a VMID
 * claim cluster-wide and atomic, as the Proxmox cluster filesystem does.
 */
public interface StateStore extends AutoCloseable {

    /** Runs {@code reader} on a consistent state; it must not modify it. */
    <T> T read(Function<ClusterState, T> reader);

    /** Runs {@code writer} exclusively; its changes are kept even when it throws. */
    <T> T write(Function<ClusterState, T> writer);

    /**
     * @return a number that changes with every update (read it inside {@link #read} for consistency),
     *         or -1 when the store cannot tell (then nothing may be cached)
     */
    default long version() {
        return -1;
    }

    /** Initialises the state when nothing is stored yet; returns true when it did. */
    boolean initialise(ClusterState initial);

    @Override
    default void close() {
    }
}
