package io.pveq.ssh.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHException;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.SessionChannel;
import net.schmizz.sshj.transport.TransportException;

/**
 * A session channel that wakes the one thread running its command whenever anything arrives for it
 * (output on either stream, end of output, exit status, close, a broken connection). This lets that
 * thread read stdout and stderr and watch the timeout by itself, without a second reader thread and
 * a timer: on a loopback sshd each hand-off between threads costs a measurable part of a command.
 *
 * <p>Use: {@link #open}, {@link #exec}, then loop over {@link #awaitActivity}, reading only what
 * {@code available()} reports from each stream until {@link #closed()}; then {@link #close}.
 */
final class CommandChannel extends SessionChannel {

    private volatile Thread owner;
    private volatile boolean closed;

    private CommandChannel(SSHClient client, Thread owner) {
        super(client.getConnection(), client.getRemoteCharset());
        this.owner = owner;
    }

    /**
     * Opens a session channel on {@code client}, owned by the calling thread.
     *
     * @throws ConnectionException when sshd refuses the channel ({@link net.schmizz.sshj.connection.channel.OpenFailException})
     *                             or the connection is gone
     * @throws TransportException  when the connection broke
     */
    static CommandChannel open(SSHClient client) throws ConnectionException, TransportException {
        if (!client.isConnected() || !client.isAuthenticated()) {
            throw new TransportException("not connected");
        }
        CommandChannel channel = new CommandChannel(client, Thread.currentThread());
        channel.open();
        return channel;
    }

    @Override
    public void handle(Message msg, SSHPacket buf) throws SSHException {
        try {
            super.handle(msg, buf);
        } finally {
            if (msg == Message.CHANNEL_CLOSE) {
                closed = true;
            }
            wakeOwner();
        }
    }

    @Override
    public void notifyError(SSHException error) {
        try {
            super.notifyError(error);
        } finally {
            closed = true;
            wakeOwner();
        }
    }

    /**
     * sshd's close ends the streams first (and sshj closes our stdin with them): mark the channel
     * closed before that, so that nobody mistakes the end of stdin for a failure of a running command.
     */
    @Override
    protected void closeAllStreams() {
        closed = true;
        super.closeAllStreams();
    }

    /** Wakes the owner, e.g. when its stdin feed failed. */
    void wakeOwner() {
        Thread thread = owner;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * True once sshd closed the channel (it does so after the exit status) or the connection broke:
     * both streams are then at their end or carry the error, so reading them to the end does not block.
     */
    boolean closed() {
        return closed;
    }

    /** Closes the channel; its owner is no longer woken for anything that still arrives. */
    @Override
    public void close() throws ConnectionException, TransportException {
        owner = null;
        super.close();
    }

    /**
     * Parks the owner until something arrives, {@code nanos} pass, or the thread is interrupted. May
     * return early; callers loop.
     */
    void awaitActivity(long nanos) {
        if (!closed && nanos > 0) {
            LockSupport.parkNanos(this, Math.min(nanos, TimeUnit.SECONDS.toNanos(1)));
        }
    }
}
