package io.pveq.ssh.internal;

import io.pveq.core.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.schmizz.sshj.SSHClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticated connections to one host, shared by concurrent commands: each connection carries at
 * most {@code maxChannels} sessions at once (OpenSSH allows 10 by default), at most
 * {@code maxConnections} connections exist, and callers beyond that wait for a free channel. A
 * connection found dead is dropped and replaced on the next lease. Thread-safe.
 */
public final class ConnectionPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);

    private final SshConnector connector;
    private final int maxConnections;
    private final int maxChannels;
    private final Duration acquireTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Pooled> connections = new ArrayList<>();
    private int connecting;
    private boolean closed;
    private String lastHostKeyFingerprint = "";

    /**
     * @param connector      opens new connections
     * @param maxConnections upper bound of simultaneous connections, at least 1
     * @param maxChannels    upper bound of simultaneous sessions per connection, at least 1
     * @param acquireTimeout how long a caller waits for a free channel
     */
    public ConnectionPool(SshConnector connector, int maxConnections, int maxChannels, Duration acquireTimeout) {
        if (maxConnections < 1 || maxChannels < 1) {
            throw new IllegalArgumentException("pool bounds must be at least 1");
        }
        this.connector = connector;
        this.maxConnections = maxConnections;
        this.maxChannels = maxChannels;
        this.acquireTimeout = acquireTimeout;
    }

    private static final class Pooled {
        final SSHClient client;
        int active;
        boolean retired;

        Pooled(SSHClient client) {
            this.client = client;
        }

        boolean usable() {
            return !retired && client.isConnected() && client.isAuthenticated();
        }
    }

    /** One channel slot on one connection; close it to give the slot back. Not thread-safe. */
    public final class Lease implements AutoCloseable {
        private final Pooled pooled;
        private boolean released;

        private Lease(Pooled pooled) {
            this.pooled = pooled;
        }

        /** @return the connection to open a session on */
        public SSHClient client() {
            return pooled.client;
        }

        /** Marks the connection as broken: no new lease gets it, it is closed once idle. */
        public void broken() {
            lock.lock();
            try {
                retire(pooled);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            release(pooled);
        }
    }

    /**
     * Leases a channel slot, connecting when every live connection is busy and the bound allows.
     *
     * @return the lease; close it after use
     * @throws TransportException when connecting fails, the pool is closed, or no slot frees up in time
     * @throws io.pveq.ssh.HostKeyException when a new connection meets a refused host key
     */
    public Lease acquire() {
        long deadline = System.nanoTime() + acquireTimeout.toNanos();
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new TransportException("SSH transport to " + connector.settings().target() + " is closed");
                }
                for (Pooled pooled : List.copyOf(connections)) {
                    if (!pooled.usable()) {
                        retire(pooled);
                    } else if (pooled.active < maxChannels) {
                        pooled.active++;
                        return new Lease(pooled);
                    }
                }
                if (connections.size() + connecting < maxConnections) {
                    return connectAndLease();
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new TransportException("no SSH channel to " + connector.settings().target() + " became free within "
                            + acquireTimeout.toMillis() + " ms (" + maxConnections + " connections x " + maxChannels
                            + " channels busy)");
                }
                changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while waiting for an SSH channel to "
                    + connector.settings().target(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held; connects without it. */
    private Lease connectAndLease() {
        connecting++;
        lock.unlock();
        SshConnector.Connected connected = null;
        try {
            connected = connector.connect();
        } finally {
            lock.lock();
            connecting--;
            changed.signalAll();
        }
        if (closed) {
            SshConnector.closeQuietly(connected.client());
            throw new TransportException("SSH transport to " + connector.settings().target() + " is closed");
        }
        LOG.debug("connected to {} (host key {})", connector.settings().target(), connected.hostKeyFingerprint());
        lastHostKeyFingerprint = connected.hostKeyFingerprint();
        Pooled pooled = new Pooled(connected.client());
        pooled.active = 1;
        connections.add(pooled);
        return new Lease(pooled);
    }

    private void release(Pooled pooled) {
        lock.lock();
        try {
            pooled.active--;
            if (!pooled.usable()) {
                retire(pooled);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. Takes the connection out of rotation and closes it when nobody uses it. */
    private void retire(Pooled pooled) {
        if (!pooled.retired) {
            pooled.retired = true;
            connections.remove(pooled);
            LOG.debug("dropping connection to {}", connector.settings().target());
        }
        if (pooled.active == 0) {
            SshConnector.closeQuietly(pooled.client);
        }
        changed.signalAll();
    }

    /** @return the number of pooled connections (live or not yet noticed dead) */
    public int size() {
        lock.lock();
        try {
            return connections.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return true when a pooled connection is still connected */
    public boolean hasLiveConnection() {
        lock.lock();
        try {
            return connections.stream().anyMatch(pooled -> pooled.client.isConnected());
        } finally {
            lock.unlock();
        }
    }

    /** @return the host key fingerprint the most recent connection accepted, or empty text before any */
    public String lastHostKeyFingerprint() {
        lock.lock();
        try {
            return lastHostKeyFingerprint;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (Pooled pooled : List.copyOf(connections)) {
                pooled.retired = true;
                SshConnector.closeQuietly(pooled.client);
            }
            connections.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return how long callers wait for a slot */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }
}
