package io.pveq.sim.internal.state;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/** Keeps the state in this process's memory behind a read-write lock. */
public final class MemoryStateStore implements StateStore {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private ClusterState state;
    private volatile long version;

    @Override
    public long version() {
        return version;
    }

    @Override
    public <T> T read(Function<ClusterState, T> reader) {
        lock.readLock().lock();
        try {
            return reader.apply(state);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public <T> T write(Function<ClusterState, T> writer) {
        lock.writeLock().lock();
        try {
            return writer.apply(state);
        } finally {
            version++;
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean initialise(ClusterState initial) {
        lock.writeLock().lock();
        try {
            if (state != null) {
                return false;
            }
            state = initial;
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
