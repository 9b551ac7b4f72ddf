package io.pveq.ssh.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTimeoutException;
import io.pveq.core.transport.TransportException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    /** Longest a kill keeps the caller: waiting for the pid line, the remote kill and the command's end. */
    private static final Duration KILL_BOUND = Duration.ofSeconds(9);

    private final ExecutorService io;
    private final String target;
    private final List<String> killPrefix;

    /**
     * @param io         feeds stdin that does not fit into the channel's window at once, runs remote kills
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
     * @throws TransportException       when interrupted, or when stdin could not be delivered (the command was killed)
     */
    CommandResult run(SSHClient client, CommandChannel command, CommandRequest request) {
        String line = "echo $$ >&2; exec " + ShellQuote.commandLine(request.argv());
        long start = System.nanoTime();
        long deadline = start + request.timeout().toNanos();
        CommandOutput output = new CommandOutput(command, request, deadline);
        try {
            try {
                command.exec(line);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted() || hasInterruptCause(e)) {
                    throw new InterruptedIOException("interrupted while starting");
                }
                if (System.nanoTime() - deadline >= 0) {
                    // sshd took longer to answer than the command may run; it may have started it anyway
                    kill(client, command, output);
                    throw timedOut(request, output);
                }
                throw new ConnectionLostException("cannot start " + request.displayLine() + " on " + target + ": "
                        + SshConnector.describe(e), e);
            }
            StdinFeed stdin = StdinFeed.start(command, request.stdin().orElse(null), io);
            switch (output.readUntilClosed(deadline, stdin::failure)) {
                case DEADLINE -> {
                    kill(client, command, output);
                    throw timedOut(request, output);
                }
                case STDIN_FAILED -> {
                    kill(client, command, output);
                    throw new TransportException("cannot send stdin to " + request.displayLine() + " on " + target
                            + " (the command was killed): " + SshConnector.describe(stdin.failure()), stdin.failure());
                }
                default -> {
                    return new CommandResult(request.displayArgv(), exitCode(command, request), output.stdout(),
                            output.stderr(), Duration.ofNanos(System.nanoTime() - start));
                }
            }
        } catch (InterruptedIOException e) {
            Thread.interrupted();
            kill(client, command, output);
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while running " + request.displayLine() + " on " + target, e);
        } catch (IOException e) {
            throw new ConnectionLostException("connection to " + target + " lost while running "
                    + request.displayLine() + ": " + SshConnector.describe(e), e);
        } finally {
            output.finish();
            if (command.closed()) {
                closeQuietly(command); // sshd already closed its side: returns at once
            } else {
                // close() waits for sshd's answer up to the connection timeout: not on the caller's time
                runQuietly(() -> closeQuietly(command));
            }
        }
    }

    private CommandTimeoutException timedOut(CommandRequest request, CommandOutput output) {
        return new CommandTimeoutException(request.displayLine() + " on " + target, request.timeout(),
                output.stdout(), output.stderr());
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
     * while it goes. Takes at most {@link #KILL_BOUND} whatever the connection does, and is deaf to
     * interrupts meanwhile (an interrupt arriving now would otherwise abort sshj's waits and leave the
     * command running); the interrupt status is restored at the end. The remote kill runs on {@code io}
     * and may finish after this returns. The caller closes the channel.
     */
    private void kill(SSHClient client, CommandChannel command, CommandOutput output) {
        output.mute();
        boolean interrupted = Thread.interrupted();
        long end = System.nanoTime() + KILL_BOUND.toNanos();
        try {
            if (!command.closed() && command.getExitStatus() == null && command.getExitSignal() == null) {
                try {
                    command.signal(Signal.TERM);
                } catch (IOException | RuntimeException ignored) {
                    // refused for root logins; the remote kill below does the work
                }
                Long group = output.awaitPid(Math.min(end, System.nanoTime() + CLOSE_GRACE.toNanos()));
                if (group != null) {
                    Future<?> killer = startKill(client, group);
                    output.drainUntilClosed(end);
                    awaitQuietly(killer, end);
                }
            }
            output.drainUntilClosed(Math.min(end, System.nanoTime() + CLOSE_GRACE.toNanos()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("command on {} did not end cleanly after the kill: {}", target, e.toString());
        } finally {
            if (interrupted || output.interruptSeen() || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Future<?> startKill(SSHClient client, long group) {
        try {
            return io.submit(() -> killRemotely(client, group));
        } catch (RejectedExecutionException closing) {
            killRemotely(client, group);
            return CompletableFuture.completedFuture(null);
        }
    }

    private void runQuietly(Runnable task) {
        try {
            io.execute(task);
        } catch (RejectedExecutionException closing) {
            task.run();
        }
    }

    /** Waits for {@code task} until {@code end}; interrupts are remembered and restored, not obeyed. */
    private static void awaitQuietly(Future<?> task, long end) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    task.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | TimeoutException | CancellationException e) {
                    return;
                }
            }
        } finally {
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
        LOG.warn("could not kill remote process group {} on {}: sshd kept refusing a session for the kill", group,
                target);
    }

    static void sleepBriefly(int attempt) {
        try {
            Thread.sleep(Math.min(50, 2L << Math.min(attempt, 5)));
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
}
