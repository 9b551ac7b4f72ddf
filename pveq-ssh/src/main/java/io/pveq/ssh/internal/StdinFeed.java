package io.pveq.ssh.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Sends a command's stdin, then end of file. Writes only as much as sshd's window for the channel
 * allows and otherwise looks again after a pause (2 ms, doubling to 100 ms) for as long as the
 * channel is open: sshj's own wait for window space gives up after the connection timeout, and its
 * {@code close()} silently drops data that does not fit the window at that moment, either of which
 * would hand the command a truncated input followed by end of file. A failure while the command
 * still runs is reported through {@link #failure()} (the command is then killed by its runner);
 * when the command has ended without reading everything, that is its business. Input within the
 * window is written by the caller at once (nothing can wait); larger input on {@code io}.
 */
final class StdinFeed implements Runnable {

    private static final long MIN_POLL_MILLIS = 2;
    private static final long MAX_POLL_MILLIS = 100;
    private static final int MAX_WRITE = 1 << 20;

    private final CommandChannel channel;
    private final byte[] bytes;
    private volatile Throwable failure;

    private StdinFeed(CommandChannel channel, byte[] bytes) {
        this.channel = channel;
        this.bytes = bytes;
    }

    /**
     * Starts feeding {@code input} (null: end of file at once).
     *
     * @return the feed, to watch for {@link #failure()}
     */
    static StdinFeed start(CommandChannel channel, byte[] input, ExecutorService io) {
        StdinFeed feed = new StdinFeed(channel, input == null ? new byte[0] : input);
        if (feed.bytes.length <= channel.getRemoteWinSize()) {
            feed.run();
        } else {
            try {
                io.execute(feed);
            } catch (RejectedExecutionException e) {
                feed.failure = e; // the transport is closing
            }
        }
        return feed;
    }

    /** @return why stdin could not be delivered while the command ran, or null */
    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        OutputStream out = channel.getOutputStream();
        int offset = 0;
        long pause = MIN_POLL_MILLIS;
        try {
            while (offset < bytes.length) {
                if (ended()) {
                    return;
                }
                long window = channel.getRemoteWinSize();
                if (window <= 0) {
                    // the command is not reading: look again soon, less often the longer it takes
                    Thread.sleep(pause);
                    pause = Math.min(MAX_POLL_MILLIS, pause * 2);
                    continue;
                }
                pause = MIN_POLL_MILLIS;
                int n = (int) Math.min(Math.min(window, MAX_WRITE), bytes.length - offset);
                out.write(bytes, offset, n);
                out.flush();
                offset += n;
            }
            out.close();
        } catch (IOException | RuntimeException e) {
            fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }

    /** sshd closed the channel, or the runner did (after a kill): nobody will read more input. */
    private boolean ended() {
        return channel.closed() || !channel.isOpen();
    }

    private void fail(Throwable e) {
        if (!ended()) {
            failure = e;
            channel.wakeOwner();
        }
    }
}
