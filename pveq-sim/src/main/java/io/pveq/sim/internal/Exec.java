package io.pveq.sim.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandTimeoutException;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One running simulated command: its node, argv, output and deadline. Used by one thread. */
public final class Exec {

    private final Engine engine;
    private final String node;
    private final CommandRequest request;
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private final StringBuilder pendingErr = new StringBuilder();
    private final Optional<OutputListener> listener;
    private final long deadlineMillis;
    /** Simulated time this command has waited so far (what its timeout counts under virtual time). */
    private long waitedMillis;

    Exec(Engine engine, String node, CommandRequest request) {
        this.engine = engine;
        this.node = node;
        this.request = request;
        this.listener = request.listener();
        long now = engine.time().nowMillis();
        long timeout = request.timeout().toMillis();
        this.deadlineMillis = Long.MAX_VALUE - now < timeout ? Long.MAX_VALUE : now + timeout;
    }

    public Engine engine() {
        return engine;
    }

    public String node() {
        return node;
    }

    public List<String> argv() {
        return request.argv();
    }

    public Optional<byte[]> stdin() {
        return request.stdin();
    }

    /** Prints a line on stdout. */
    public void out(String line) {
        stdout.append(line).append('\n');
        listener.ifPresent(l -> safe(l, OutputListener.Stream.STDOUT, line));
    }

    /** Prints raw text on stdout (a table that already holds its line breaks). */
    public void outText(String text) {
        stdout.append(text);
        if (listener.isPresent()) {
            for (String line : text.split("\n")) {
                safe(listener.get(), OutputListener.Stream.STDOUT, line);
            }
        }
    }

    /** Prints a line on stderr. */
    public void err(String line) {
        errPart(line + "\n");
    }

    /** Prints text on stderr that may end mid-line ({@code trying to acquire lock...}). */
    public void errPart(String text) {
        stderr.append(text);
        pendingErr.append(text);
        int newline;
        while ((newline = pendingErr.indexOf("\n")) >= 0) {
            String line = pendingErr.substring(0, newline);
            pendingErr.delete(0, newline + 1);
            listener.ifPresent(l -> safe(l, OutputListener.Stream.STDERR, line));
        }
    }

    public String stdoutText() {
        return stdout.toString();
    }

    public String stderrText() {
        return stderr.toString();
    }

    /**
     * Lets {@code nominal} simulated time pass (scaled by the speed factor).
     *
     * @throws CommandTimeoutException when the request's timeout passes first
     */
    public void pause(Duration nominal) {
        waitReal(engine.time().scaled(nominal));
    }

    /** Waits an already scaled amount, minding the request's deadline. */
    public void waitReal(Duration amount) {
        // under virtual time other threads move the shared clock too: count only this command's own waits
        long left = engine.time().isVirtual() ? request.timeout().toMillis() - waitedMillis
                : deadlineMillis - engine.time().nowMillis();
        waitedMillis += amount.toMillis();
        if (amount.toMillis() > left) {
            engine.time().pause(Duration.ofMillis(Math.max(0, left)));
            throw new CommandTimeoutException(request.displayLine(), request.timeout(), stdoutText(), stderrText());
        }
        engine.time().pause(amount);
    }

    private static void safe(OutputListener listener, OutputListener.Stream stream, String line) {
        try {
            listener.onLine(stream, line);
        } catch (RuntimeException e) {
            // listeners must not throw; one that does loses the line
        }
    }
}
