package io.pveq.ssh.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTimeoutException;
import io.pveq.core.transport.OutputListener;
import io.pveq.core.transport.OutputPump;
import io.pveq.core.transport.TransportException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command on an open {@link CommandChannel}: quotes argv, reads stdout and stderr, feeds
 * stdin, enforces the timeout, all on the calling thread (it is woken by the channel whenever
 * something arrives), so a command costs no thread hand-off beyond sshj's own reader.
 *
 * <p>Killing: the command line is {@code echo $$ >&2; exec <quoted argv>}, so the first stderr line is
 * the pid of the process sshd started, which is also its process group and session id (sshd calls
 * {@code setsid}); the line is stripped before anyone sees stderr. On timeout or interrupt a second
 * session sends SIGTERM, then SIGKILL after a short grace, to that process group. An SSH
 * {@code signal} request is sent as well, but OpenSSH refuses it for root logins ("session
 * signalling requires privilege separation"), which is why the remote {@code kill} is needed.
 */
public final class RemoteExecution {

    /** The connection broke while the command ran; the pool must drop it. */
    public static final class ConnectionLostException extends TransportException {
        ConnectionLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RemoteExecution.class);
    private static final Map<Signal, Integer> SIGNAL_NUMBERS = Map.ofEntries(
            Map.entry(Signal.HUP, 1), Map.entry(Signal.INT, 2), Map.entry(Signal.QUIT, 3), Map.entry(Signal.ILL, 4),
            Map.entry(Signal.ABRT, 6), Map.entry(Signal.FPE, 8), Map.entry(Signal.KILL, 9),
            Map.entry(Signal.USR1, 10), Map.entry(Signal.SEGV, 11), Map.entry(Signal.USR2, 12),
            Map.entry(Signal.PIPE, 13), Map.entry(Signal.ALRM, 14), Map.entry(Signal.TERM, 15));

    /** Sends TERM to process group $1, waits up to 1 s for it to go, then KILL. */
    private static final String KILL_SCRIPT = "kill -s TERM -- \"-$1\" 2>/dev/null || exit 0; i=0; "
            + "while [ $i -lt 10 ] && kill -s 0 -- \"-$1\" 2>/dev/null; do sleep 0.1; i=$((i+1)); done; "
            + "kill -s KILL -- \"-$1\" 2>/dev/null; exit 0";
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

    private final ExecutorService io;
    private final String target;
    private final List<String> killPrefix;

    /**
     * @param io         feeds stdin that does not fit into the channel's window at once
     * @param target     {@code user@host:port}, for messages
     * @param killPrefix put before the remote {@code sh -c <kill script>}, e.g. {@code sudo -n} when commands
     *                   run as another user than the login; usually empty
     */
    public RemoteExecution(ExecutorService io, String target, List<String> killPrefix) {
        this.io = io;
        this.target = target;
        this.killPrefix = List.copyOf(killPrefix);
    }

    /**
     * Runs {@code request} on {@code command}, a channel opened by the calling thread, and closes it.
     *
     * @throws CommandTimeoutException  when the timeout passed (the command was killed)
     * @throws ConnectionLostException  when the connection broke
     * @throws TransportException       when interrupted
     */
    CommandResult run(SSHClient client, CommandChannel command, CommandRequest request) {
        String line = "echo $$ >&2; exec " + ShellQuote.commandLine(request.argv());
        long start = System.nanoTime();
        long deadline = start + request.timeout().toNanos();
        Output output = new Output(command, request);
        try {
            try {
                command.exec(line);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted() || hasInterruptCause(e)) {
                    throw new InterruptedIOException("interrupted while starting");
                }
                throw new ConnectionLostException("cannot start " + request.displayLine() + " on " + target + ": "
                        + SshConnector.describe(e), e);
            }
            sendInput(command, request);
            if (!output.readUntilClosed(deadline)) {
                kill(client, command, output);
                throw new CommandTimeoutException(request.displayLine() + " on " + target, request.timeout(),
                        output.stdout(), output.stderr());
            }
            return new CommandResult(request.displayArgv(), exitCode(command, request), output.stdout(), output.stderr(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedIOException e) {
            Thread.interrupted();
            kill(client, command, output);
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while running " + request.displayLine() + " on " + target, e);
        } catch (IOException e) {
            throw new ConnectionLostException("connection to " + target + " lost while running "
                    + request.displayLine() + ": " + SshConnector.describe(e), e);
        } finally {
            closeQuietly(command);
        }
    }

    /** Closes stdin at once when there is none; writes small input inline, larger input on another thread. */
    private void sendInput(CommandChannel command, CommandRequest request) {
        byte[] input = request.stdin().orElse(null);
        if (input == null) {
            closeQuietly(command.getOutputStream());
        } else if (input.length <= command.getRemoteWinSize()) {
            // fits into sshd's window: no write can wait for the command to read
            feed(command.getOutputStream(), input);
        } else {
            io.submit(() -> feed(command.getOutputStream(), input));
        }
    }

    private static boolean hasInterruptCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    private int exitCode(CommandChannel command, CommandRequest request) {
        Integer status = command.getExitStatus();
        if (status != null) {
            return status;
        }
        Signal signal = command.getExitSignal();
        if (signal != null) {
            return 128 + SIGNAL_NUMBERS.getOrDefault(signal, 0);
        }
        throw new TransportException(request.displayLine() + " on " + target
                + " ended without an exit status or signal; its outcome is unknown");
    }

    /**
     * Kills the remote process group (see the class comment) and keeps reading what the command prints
     * while it goes, for a short grace; then closes the channel. Runs with the interrupt flag cleared.
     */
    private void kill(SSHClient client, CommandChannel command, Output output) {
        boolean interrupted = Thread.interrupted();
        try {
            if (!command.closed() && command.getExitStatus() == null && command.getExitSignal() == null) {
                try {
                    command.signal(Signal.TERM);
                } catch (IOException | RuntimeException ignored) {
                    // refused for root logins; the remote kill below does the work
                }
                Long group = output.awaitPid(System.nanoTime() + CLOSE_GRACE.toNanos());
                if (group != null) {
                    killRemotely(client, group);
                }
            }
            output.readUntilClosed(System.nanoTime() + CLOSE_GRACE.toNanos());
        } catch (IOException | RuntimeException e) {
            LOG.debug("command on {} did not end cleanly after the kill: {}", target, e.toString());
        } finally {
            closeQuietly(command);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void killRemotely(SSHClient client, long group) {
        List<String> argv = new ArrayList<>(killPrefix);
        argv.addAll(List.of("sh", "-c", KILL_SCRIPT, "pveq-kill", Long.toString(group)));
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Session killer = client.startSession()) {
                Session.Command kill = killer.exec(ShellQuote.commandLine(argv));
                kill.join(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (OpenFailException busy) {
                // every channel of the connection is taken for a moment: try again shortly
                sleepBriefly(attempt);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not kill remote process group {} on {}: {}", group, target, e.toString());
                return;
            }
        }
    }

    static void sleepBriefly(int attempt) {
        try {
            Thread.sleep(Math.min(50, 2L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the command printed: both streams read by the owning thread as they arrive, the pid line
     * taken off the front of stderr.
     */
    private static final class Output {
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

        Output(CommandChannel channel, CommandRequest request) {
            this.channel = channel;
            this.out = channel.getInputStream();
            this.err = channel.getErrorStream();
            this.stdoutCapture = new OutputPump.Capture(stdout, request.listener(), OutputListener.Stream.STDOUT);
            this.stderrCapture = new OutputPump.Capture(stderr, request.listener(), OutputListener.Stream.STDERR);
        }

        /**
         * Reads both streams as output arrives until sshd closes the channel (after the exit status) or
         * {@code deadline} passes.
         *
         * @return false when the deadline passed first
         * @throws InterruptedIOException when the thread is interrupted
         * @throws IOException            when the connection broke
         */
        boolean readUntilClosed(long deadline) throws IOException {
            while (!channel.closed()) {
                readAvailable();
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while the command ran");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                channel.awaitActivity(left);
            }
            readToEnd();
            return true;
        }

        /** Reads stderr until the pid line is complete, the channel closes or {@code deadline} passes. */
        Long awaitPid(long deadline) throws IOException {
            while (!pidRead && !channel.closed() && System.nanoTime() < deadline) {
                readAvailable();
                if (!pidRead) {
                    channel.awaitActivity(deadline - System.nanoTime());
                }
            }
            return pid;
        }

        String stdout() {
            return text(stdout);
        }

        String stderr() {
            return text(stderr);
        }

        /** Takes what has arrived on both streams; never blocks. */
        private void readAvailable() throws IOException {
            int n;
            while ((n = out.available()) > 0) {
                int read = out.read(chunk, 0, Math.min(n, chunk.length));
                stdoutCapture.write(chunk, 0, read);
            }
            while ((n = err.available()) > 0) {
                int read = err.read(chunk, 0, Math.min(n, chunk.length));
                stderr(chunk, read);
            }
        }

        /** Once the channel is closed both streams are at their end, so this does not block. */
        private void readToEnd() throws IOException {
            if (finished) {
                return;
            }
            int read;
            while ((read = out.read(chunk)) >= 0) {
                stdoutCapture.write(chunk, 0, read);
            }
            while ((read = err.read(chunk)) >= 0) {
                stderr(chunk, read);
            }
            finished = true;
            stdoutCapture.finish();
            stderrCapture.finish();
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
    }

    private static void feed(OutputStream out, byte[] bytes) {
        try (out) {
            out.write(bytes);
            // sshj's close() sends what is still buffered only if sshd's window has room at that moment
            // and silently drops it otherwise; flush() waits for the window
            out.flush();
        } catch (IOException e) {
            // the command exited without reading all its input: its business
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
