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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command on an open session: quotes argv, streams stdout and stderr concurrently, feeds
 * stdin, enforces the timeout.
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
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);
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
    private final ScheduledThreadPoolExecutor timers;
    private final String target;
    private final List<String> killPrefix;

    /**
     * @param io         runs the stream pumps
     * @param target     {@code user@host:port}, for messages
     * @param killPrefix put before the remote {@code sh -c <kill script>}, e.g. {@code sudo -n} when commands
     *                   run as another user than the login; usually empty
     */
    public RemoteExecution(ExecutorService io, String target, List<String> killPrefix) {
        this.io = io;
        this.target = target;
        this.killPrefix = List.copyOf(killPrefix);
        this.timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "pveq-ssh-timeouts " + target);
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    /** Stops the timeout thread. */
    public void close() {
        timers.shutdownNow();
    }

    /**
     * Runs {@code request} on {@code session} and closes the session.
     *
     * @throws CommandTimeoutException  when the timeout passed (the command was signalled)
     * @throws ConnectionLostException  when the connection broke
     * @throws TransportException       when interrupted or the end could not be observed
     */
    public CommandResult run(SSHClient client, Session session, CommandRequest request) {
        String line = "echo $$ >&2; exec " + ShellQuote.commandLine(request.argv());
        long start = System.nanoTime();
        // sshj's session channel is also the command: its streams exist before exec, so the stderr pump
        // can already wait for the pid line; the calling thread pumps stdout itself (fewer thread hops)
        Session.Command command = (Session.Command) session;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CompletableFuture<Long> pid = new CompletableFuture<>();
        Future<?> errPump = io.submit(() -> pump(new PidStripper(command.getErrorStream(), pid), stderr, request,
                OutputListener.Stream.STDERR));
        // whoever sets this first decides: the caller on a normal end, the timer or an interrupt otherwise
        AtomicBoolean decided = new AtomicBoolean();
        CompletableFuture<Void> killed = new CompletableFuture<>();
        ScheduledFuture<?> timer = timers.schedule(() -> {
            if (decided.compareAndSet(false, true)) {
                io.execute(() -> {
                    try {
                        kill(client, command, pid);
                    } finally {
                        killed.complete(null);
                    }
                });
            }
        }, request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            try {
                session.exec(line);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted() || hasInterruptCause(e)) {
                    throw new InterruptedIOException("interrupted while starting");
                }
                if (decided.get()) {
                    awaitKill(killed);
                    throw new CommandTimeoutException(request.displayLine() + " on " + target, request.timeout(), "", "");
                }
                throw new ConnectionLostException("cannot start " + request.displayLine() + " on " + target + ": "
                        + SshConnector.describe(e), e);
            }
            byte[] input = request.stdin().orElse(null);
            if (input == null) {
                closeQuietly(command.getOutputStream());
            } else {
                io.submit(() -> feed(command.getOutputStream(), input));
            }
            try {
                pump(command.getInputStream(), stdout, request, OutputListener.Stream.STDOUT);
                errPump.get(remaining(start, request) + DRAIN_GRACE.toNanos(), TimeUnit.NANOSECONDS);
                command.join(Math.max(1, remaining(start, request)), TimeUnit.NANOSECONDS);
            } catch (InterruptedIOException | InterruptedException e) {
                throw e;
            } catch (IOException | ExecutionException | TimeoutException e) {
                if (!decided.get()) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    throw new ConnectionLostException("connection to " + target + " lost while running "
                            + request.displayLine() + ": " + SshConnector.describe(cause), cause);
                }
                // the timer closed the channel: reported below
            }
            if (decided.compareAndSet(false, true)) {
                timer.cancel(false);
                return new CommandResult(request.displayArgv(), exitCode(command, request), text(stdout), text(stderr),
                        Duration.ofNanos(System.nanoTime() - start));
            }
            awaitKill(killed);
            drain(errPump);
            throw new CommandTimeoutException(request.displayLine() + " on " + target, request.timeout(),
                    text(stdout), text(stderr));
        } catch (InterruptedIOException | InterruptedException e) {
            Thread.interrupted();
            if (decided.compareAndSet(false, true)) {
                timer.cancel(false);
                kill(client, command, pid);
            } else {
                awaitKill(killed);
            }
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while running " + request.displayLine() + " on " + target, e);
        } finally {
            closeQuietly(session);
        }
    }

    private static long remaining(long start, CommandRequest request) {
        return start + request.timeout().toNanos() - System.nanoTime();
    }

    private static boolean hasInterruptCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    /** Waits for a kill started by the timer, so that the command is gone before the caller hears of it. */
    private static void awaitKill(CompletableFuture<Void> killed) {
        boolean interrupted = Thread.interrupted();
        try {
            killed.get(CLOSE_GRACE.toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            LOG.debug("kill did not finish cleanly: {}", e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int exitCode(Session.Command command, CommandRequest request) {
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

    /** Kills the remote process group (see the class comment), then closes the channel. */
    private void kill(SSHClient client, Session.Command command, CompletableFuture<Long> pid) {
        boolean interrupted = Thread.interrupted();
        try {
            if (command.getExitStatus() == null && command.getExitSignal() == null) {
                try {
                    command.signal(Signal.TERM);
                } catch (IOException | RuntimeException ignored) {
                    // refused for root logins; the remote kill below does the work
                }
                Long group = awaitPid(pid);
                if (group != null) {
                    killRemotely(client, group);
                }
            }
            command.join(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            LOG.debug("command on {} did not end after the kill: {}", target, e.toString());
        } finally {
            closeQuietly(command);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The pid line is the first thing the command prints; it may still be in flight. */
    private static Long awaitPid(CompletableFuture<Long> pid) {
        try {
            return pid.get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pid.getNow(null);
        } catch (ExecutionException | TimeoutException e) {
            return null;
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

    /** Hides the first line (the pid) of a stream and hands the pid over. */
    private static final class PidStripper extends java.io.FilterInputStream {
        private final CompletableFuture<Long> pid;
        private final StringBuilder line = new StringBuilder();
        private boolean stripped;

        PidStripper(InputStream in, CompletableFuture<Long> pid) {
            super(in);
            this.pid = pid;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (!stripped) {
                int b;
                try {
                    b = in.read();
                } catch (IOException e) {
                    pid.complete(null);
                    throw e;
                }
                if (b < 0) {
                    pid.complete(null);
                    return -1;
                }
                if (b == '\n') {
                    stripped = true;
                    try {
                        pid.complete(Long.parseLong(line.toString().strip()));
                    } catch (NumberFormatException e) {
                        pid.complete(null);
                    }
                } else if (line.length() < 32) {
                    line.append((char) b);
                }
            }
            return in.read(buffer, offset, length);
        }
    }

    private static Void pump(InputStream in, ByteArrayOutputStream sink, CommandRequest request,
                             OutputListener.Stream stream) throws IOException {
        OutputPump.copy(in, sink, request.listener(), stream);
        return null;
    }

    private static void feed(OutputStream out, byte[] bytes) {
        try (out) {
            out.write(bytes);
        } catch (IOException e) {
            // the command exited without reading all its input: its business
        }
    }

    private static void drain(Future<?> pump) {
        try {
            pump.get(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pump.cancel(true);
        } catch (ExecutionException e) {
            // the stream was cut by the kill: what was read is kept
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
