package io.pveq.api.internal;

import io.pveq.api.CommandOutput;
import io.pveq.api.ConsoleTicket;
import io.pveq.api.OutputListener;
import io.pveq.api.TerminalCommands;
import io.pveq.api.TerminalStream;
import io.pveq.api.TerminalTarget;
import io.pveq.api.TerminalTimeoutException;
import io.pveq.core.PveqException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.HttpUrl;

/** {@link TerminalCommands} over {@link ConsoleCalls}' tickets and {@link ApiHttp}'s websockets. Thread-safe. */
final class TerminalCalls implements TerminalCommands {

    /** How long a stream waits for the proxy's {@code OK}: within a ticket's 40 s. */
    private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiHttp http;
    private final ConsoleCalls consoles;

    TerminalCalls(ApiHttp http, ConsoleCalls consoles) {
        this.http = http;
        this.consoles = consoles;
    }

    @Override
    public CommandOutput run(TerminalTarget target, List<String> argv, Duration timeout, OutputListener listener) {
        String command = ShellQuoting.commandLine(argv);
        return run(target, ticket(target), argv.get(0), command, timeout, listener);
    }

    @Override
    public CommandOutput run(TerminalTarget target, ConsoleTicket ticket, List<String> argv, Duration timeout,
                             OutputListener listener) {
        String command = ShellQuoting.commandLine(argv);
        return run(target, ticket, argv.get(0), command, timeout, listener);
    }

    private CommandOutput run(TerminalTarget target, ConsoleTicket ticket, String program, String command,
                              Duration timeout, OutputListener listener) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(listener, "listener");
        TerminalSocket socket = open(target, ticket, command, listener);
        try {
            int status = socket.finished().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return new CommandOutput(socket.lines(), status);
        } catch (TimeoutException e) {
            socket.cancel();
            throw new TerminalTimeoutException(target, program, timeout);
        } catch (InterruptedException e) {
            socket.cancel();
            Thread.currentThread().interrupt();
            throw new PveqException("interrupted while running " + program + " on " + target, e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    @Override
    public TerminalStream journal(TerminalTarget target, int lines, List<String> units, OutputListener listener) {
        List<String> argv = new ArrayList<>(List.of("journalctl", "--no-pager", "-n", Integer.toString(count(lines)),
                "-f"));
        for (String unit : units) {
            argv.add("-u");
            argv.add(unit);
        }
        return stream(target, argv, listener);
    }

    @Override
    public TerminalStream tail(TerminalTarget target, String file, int lines, OutputListener listener) {
        if (file == null || !file.startsWith("/")) {
            throw new IllegalArgumentException("file: must be an absolute path, got " + file);
        }
        return stream(target, List.of("tail", "-n", Integer.toString(count(lines)), "-F", file), listener);
    }

    private static int count(int lines) {
        if (lines < 0) {
            throw new IllegalArgumentException("lines: must be 0 or more, got " + lines);
        }
        return lines;
    }

    private TerminalStream stream(TerminalTarget target, List<String> argv, OutputListener listener) {
        Objects.requireNonNull(listener, "listener");
        String command = ShellQuoting.commandLine(argv);
        TerminalSocket socket = open(target, ticket(target), command, listener);
        try {
            socket.accepted().get(ACCEPT_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            socket.cancel();
            throw new TerminalTimeoutException(target, argv.get(0), ACCEPT_TIMEOUT);
        } catch (InterruptedException e) {
            socket.cancel();
            Thread.currentThread().interrupt();
            throw new PveqException("interrupted while starting " + argv.get(0) + " on " + target, e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
        return new TerminalStream() {
            @Override
            public CompletableFuture<Void> ended() {
                return socket.ended();
            }

            @Override
            public void close() {
                socket.cancel();
            }
        };
    }

    private ConsoleTicket ticket(TerminalTarget target) {
        return target.container().map(consoles::terminal).orElseGet(() -> consoles.terminal(target.node()));
    }

    private TerminalSocket open(TerminalTarget target, ConsoleTicket ticket, String command, OutputListener listener) {
        Objects.requireNonNull(ticket, "ticket");
        URI wss = target.container().map(ct -> consoles.websocket(ct, ticket))
                .orElseGet(() -> consoles.websocket(target.node(), ticket));
        HttpUrl url = HttpUrl.get("https" + wss.toString().substring("wss".length()));
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        String marker = HexFormat.of().formatHex(id);
        String user = ticket.user().isEmpty() ? http.who() : ticket.user();
        String line = "echo PVEQ''BEGIN-" + marker + "; " + command + "; echo PVEQ''END-" + marker + " $?";
        TerminalSocket socket = new TerminalSocket(url.encodedPath(), http.who(), user, ticket.ticket().reveal(), line,
                marker, listener);
        socket.attach(http.webSocket(url, socket));
        return socket;
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
            // the failure happened on OkHttp's thread: keep its type, add this caller's stack
            runtime.addSuppressed(new Exception("awaited here"));
            return runtime;
        }
        return new PveqException("terminal failed: " + cause, cause);
    }
}
