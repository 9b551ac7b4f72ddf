package io.pveq.ssh.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.TransportException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import net.schmizz.sshj.connection.channel.OpenFailException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands over a {@link ConnectionPool}. A session that cannot be opened because the
 * connection died is retried once on a fresh connection (the command has not started, so this is
 * safe); a refused open on a live connection (sshd still counting a just-closed session against
 * MaxSessions) is retried after a short pause. A command whose connection breaks while it runs is
 * never retried. Thread-safe.
 */
public final class PooledRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PooledRunner.class);

    private final ConnectionPool pool;
    private final RemoteExecution execution;
    private final String target;

    /**
     * @param pool       the host's connections; closed with this runner
     * @param io         feeds large stdin and runs remote kills
     * @param target     {@code user@host:port} for messages
     * @param killPrefix see {@link RemoteExecution}
     */
    public PooledRunner(ConnectionPool pool, ExecutorService io, String target, List<String> killPrefix) {
        this.pool = pool;
        this.execution = new RemoteExecution(io, target, killPrefix);
        this.target = target;
    }

    /** @return the pool */
    public ConnectionPool pool() {
        return pool;
    }

    /** Runs one command; see {@link io.pveq.core.transport.CommandTransport#run}. */
    public CommandResult run(CommandRequest request) {
        long deadline = System.nanoTime() + pool.acquireTimeout().toNanos();
        int reconnects = 0;
        for (int attempt = 0; ; attempt++) {
            ConnectionPool.Lease lease = pool.acquire();
            CommandChannel session;
            try {
                session = CommandChannel.open(lease.client());
            } catch (OpenFailException busy) {
                lease.close();
                if (!lease.client().isConnected()) {
                    lease.broken();
                } else if (System.nanoTime() > deadline) {
                    throw new TransportException("sshd on " + target + " kept refusing new sessions: "
                            + busy.getMessage(), busy);
                }
                RemoteExecution.sleepBriefly(attempt);
                if (Thread.currentThread().isInterrupted()) {
                    throw new TransportException("interrupted while opening a session on " + target, busy);
                }
                continue;
            } catch (IOException | RuntimeException e) {
                lease.broken();
                lease.close();
                if (reconnects++ < 1) {
                    LOG.debug("pooled connection to {} is dead ({}); reconnecting", target, e.toString());
                    continue;
                }
                throw new TransportException("cannot open a session on " + target + ": " + e.getMessage(), e);
            }
            try {
                return execution.run(lease.client(), session, request);
            } catch (RemoteExecution.ConnectionLostException e) {
                lease.broken();
                throw e;
            } finally {
                if (!session.closed()) {
                    // sshd never closed the channel, not even after a kill: the connection is suspect
                    lease.broken();
                }
                lease.close();
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
