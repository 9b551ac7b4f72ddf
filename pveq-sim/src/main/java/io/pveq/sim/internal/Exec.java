package io.pveq.sim.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandTimeoutException;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One running simulated operation: its node, argv, output and deadline. A CLI command owns one (its
 * output is what the command prints); so does an API task (its output is the task log, with the
 * argv the equivalent {@code qm} command line). Used by one thread.
 */
public final class Exec {

    /** How long an API task may run (tasks have no timeout of their own). */
    private static final Duration TASK_LIMIT = Duration.ofDays(365);

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
    /** True for an API task: it records itself in the task list, and a stop request interrupts it. */
    private final boolean task;
    /** True when the API face runs it (parameters arrive in the API's form, e.g. URL-encoded sshkeys). */
    private final boolean api;

    Exec(Engine engine, String node, CommandRequest request) {
        this(engine, node, request, false, false);
    }

    private Exec(Engine engine, String node, CommandRequest request, boolean task, boolean api) {
        this.task = task;
        this.api = api;
        this.engine = engine;
        this.node = node;
        this.request = request;
        this.listener = request.listener();
        long now = engine.time().nowMillis();
        long timeout = request.timeout().toMillis();
        this.deadlineMillis = Long.MAX_VALUE - now < timeout ? Long.MAX_VALUE : now + timeout;
    }

    /**
     * An operation run by an API task on {@code node}.
     *
     * @param argv the equivalent CLI command line (for fault matching and messages)
     * @param log  receives every output line, in order: the task log
     */
    public static Exec task(Engine engine, String node, List<String> argv, OutputListener log) {
        return new Exec(engine, node, CommandRequest.builder(argv).timeout(TASK_LIMIT).listener(log).build(), true,
                true);
    }

    /**
     * An operation the API face runs within the request (a synchronous endpoint such as
     * {@code PUT .../config}); its output is collected but not shown to anyone.
     */
    public static Exec call(Engine engine, String node, List<String> argv) {
        return new Exec(engine, node, CommandRequest.builder(argv).timeout(TASK_LIMIT).build(), false, true);
    }

    /** @return true when an API task owns this operation */
    public boolean isTask() {
        return task;
    }

    /** @return true when the API face runs this operation (tasks and synchronous calls) */
    public boolean isApi() {
        return api;
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
        try {
            engine.time().pause(amount);
        } catch (io.pveq.core.transport.TransportException e) {
            if (task && Thread.currentThread().isInterrupted()) {
                // a stopped task ends like an interrupted Proxmox worker; callers' cleanup runs on Failure
                throw new Failure("received interrupt");
            }
            throw e;
        }
    }

    private static void safe(OutputListener listener, OutputListener.Stream stream, String line) {
        try {
            listener.onLine(stream, line);
        } catch (RuntimeException e) {
            // listeners must not throw; one that does loses the line
        }
    }
}
