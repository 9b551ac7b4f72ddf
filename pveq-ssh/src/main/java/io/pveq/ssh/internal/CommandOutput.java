package io.pveq.ssh.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.OutputListener;
import io.pveq.core.internal.transport.OutputPump;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a command prints: both streams of a {@link CommandChannel} read by its owning thread as output
 * arrives, the pid line (see {@link RemoteExecution}) taken off the front of stderr. Each pass reads at
 * most one chunk from each stream and then looks at the deadline, the interrupt flag and stdin, so a
 * command that floods its output (or a slow output listener) cannot keep the owner from its timeout,
 * and neither stream starves the other. Not thread-safe: the owner only.
 */
final class CommandOutput {

    /** Why reading stopped. */
    enum End {
        /** sshd closed the channel: everything has arrived */
        CLOSED,
        /** the deadline passed first */
        DEADLINE,
        /** stdin could not be delivered while the command still ran */
        STDIN_FAILED
    }

    private static final int CHUNK = 32 * 1024;

    private final CommandChannel channel;
    private final InputStream out;
    private final InputStream err;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final OutputPump.Capture stdoutCapture;
    private final OutputPump.Capture stderrCapture;
    private final StringBuilder pidLine = new StringBuilder();
    private final byte[] chunk = new byte[CHUNK];
    private boolean pidRead;
    private Long pid;
    private boolean finished;
    private boolean interruptSeen;
    private boolean muted;
    private boolean finishing;

    /**
     * @param deadline the command's deadline: from then on (and once the thread is interrupted or
     *                 {@link #mute} was called) the request's listener is no longer called, but for a last
     *                 unterminated line at {@link #finish}, so that a slow listener cannot hold up the timeout
     *                 or the kill; output is still captured
     */
    CommandOutput(CommandChannel channel, CommandRequest request, long deadline) {
        this.channel = channel;
        this.out = channel.getInputStream();
        this.err = channel.getErrorStream();
        Optional<OutputListener> listener = request.listener().map(l -> (stream, line) -> {
            if (!muted && (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted())) {
                muted = true;
            }
            if (!muted || finishing) {
                l.onLine(stream, line);
            }
        });
        this.stdoutCapture = new OutputPump.Capture(stdout, listener, OutputListener.Stream.STDOUT);
        this.stderrCapture = new OutputPump.Capture(stderr, listener, OutputListener.Stream.STDERR);
    }

    /** Stops calling the request's listener (the command is being killed). */
    void mute() {
        muted = true;
    }

    /**
     * Reads both streams as output arrives until sshd closes the channel (after the exit status), the
     * deadline passes or {@code stdinFailure} reports a failure.
     *
     * @param stdinFailure the failure of the stdin feed so far, or null
     * @throws InterruptedIOException when the thread is interrupted
     * @throws IOException            when the connection broke
     */
    End readUntilClosed(long deadline, Supplier<Throwable> stdinFailure) throws IOException {
        while (!channel.closed()) {
            boolean more = readSome();
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while the command ran");
            }
            if (stdinFailure.get() != null && !channel.closed()) {
                return End.STDIN_FAILED;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return End.DEADLINE;
            }
            if (!more) {
                channel.awaitActivity(left);
            }
        }
        readToEnd();
        return End.CLOSED;
    }

    /**
     * Like {@link #readUntilClosed} but deaf to interrupts (for the kill path): an interrupt is cleared,
     * remembered in {@link #interruptSeen} and reading goes on.
     *
     * @return true when the channel closed before {@code deadline}
     * @throws IOException when the connection broke
     */
    boolean drainUntilClosed(long deadline) throws IOException {
        readDeaf(deadline, () -> false);
        if (!channel.closed()) {
            return false;
        }
        readToEnd();
        return true;
    }

    /** Reads stderr until the pid line is complete, the channel closes or {@code deadline} passes; deaf to interrupts. */
    Long awaitPid(long deadline) throws IOException {
        readDeaf(deadline, () -> pidRead);
        return pid;
    }

    /** Reads as output arrives until {@code done}, the channel closes or {@code deadline} passes; deaf to interrupts. */
    private void readDeaf(long deadline, java.util.function.BooleanSupplier done) throws IOException {
        while (!done.getAsBoolean() && !channel.closed()) {
            boolean more = readSome();
            interruptSeen |= Thread.interrupted();
            long left = deadline - System.nanoTime();
            if (done.getAsBoolean() || left <= 0) {
                return;
            }
            if (!more) {
                channel.awaitActivity(left);
            }
        }
    }

    /** @return whether an interrupt arrived while reading deaf to interrupts */
    boolean interruptSeen() {
        return interruptSeen;
    }

    String stdout() {
        return text(stdout);
    }

    String stderr() {
        return text(stderr);
    }

    /** Hands a last line without a terminator to the listener, also when reading stopped early. Idempotent. */
    void finish() {
        if (!finished) {
            finished = true;
            finishing = true; // a last partial line is delivered even when muted: it is one line at most
            stdoutCapture.finish();
            stderrCapture.finish();
        }
    }

    /**
     * Takes at most one chunk from each stream; never blocks.
     *
     * @return whether either stream still holds data
     */
    private boolean readSome() throws IOException {
        int n = out.available();
        if (n > 0) {
            int read = out.read(chunk, 0, Math.min(n, chunk.length));
            stdoutCapture.write(chunk, 0, read);
        }
        n = err.available();
        if (n > 0) {
            int read = err.read(chunk, 0, Math.min(n, chunk.length));
            stderr(chunk, read);
        }
        return out.available() > 0 || err.available() > 0;
    }

    /** Once the channel is closed both streams are at their end, so this does not block. */
    private void readToEnd() throws IOException {
        int read;
        while ((read = out.read(chunk)) >= 0) {
            stdoutCapture.write(chunk, 0, read);
        }
        while ((read = err.read(chunk)) >= 0) {
            stderr(chunk, read);
        }
        finish();
    }

    private void stderr(byte[] bytes, int length) {
        int offset = 0;
        while (!pidRead && offset < length) {
            byte b = bytes[offset++];
            if (b == '\n') {
                pidRead = true;
                try {
                    pid = Long.parseLong(pidLine.toString().strip());
                } catch (NumberFormatException e) {
                    pid = null;
                }
            } else if (pidLine.length() < 32) {
                pidLine.append((char) b);
            }
        }
        if (offset < length) {
            stderrCapture.write(bytes, offset, length - offset);
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
