package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.Operation;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.Operations;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmStateException;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.OperationSucceeded;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import io.pveq.core.event.StageDetail;
import io.pveq.core.event.StageFailed;
import io.pveq.core.event.StageStarted;
import io.pveq.core.event.StageSucceeded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts long operations on the executor and keeps them: running ones, and finished ones for the
 * retention time (at most {@link #MAX_RETAINED}). Runs each operation's work, then either reports
 * success or rolls its journal back and reports the failure, always ending the log with exactly one
 * terminal event. At most one running operation per VM. Thread-safe.
 */
public final class OperationRegistry implements Operations {

    private static final Logger LOG = LoggerFactory.getLogger(OperationRegistry.class);
    static final int MAX_RETAINED = 1000;

    /** The work of one operation. */
    @FunctionalInterface
    interface Work<R> {
        /** @return the result and the final message; throws to fail (the runner rolls back) */
        Done<R> run(OperationRun run);
    }

    /**
     * How a successful run ends.
     *
     * @param value   the result
     * @param summary the final success message, e.g. {@code VM installation completed}
     */
    record Done<R>(R value, String summary) {
    }

    /** Turns a failure into the exception the operation's result fails with. */
    @FunctionalInterface
    interface FailureMapper {
        RuntimeException map(Stage stage, Optional<VmId> vmId, RollbackJournal.Outcome rollback, Throwable cause,
                             boolean cancelled);
    }

    /** The default: cancellation as {@link OperationCancelledException}, pveq exceptions as they are. */
    static final FailureMapper PLAIN = (stage, vmId, rollback, cause, cancelled) -> {
        if (cancelled) {
            return new OperationCancelledException("cancelled during '" + stage.label() + "'"
                    + (rollback.done().isEmpty() ? "" : "; rolled back: " + String.join(", ", rollback.report())));
        }
        if (cause instanceof RuntimeException r && cause instanceof PveqException) {
            return r;
        }
        return new PveqException(stage.label() + " failed: " + FailureText.of(cause), cause);
    };

    private final Clock clock;
    private final Duration retention;
    private final ExecutorService executor;
    private final Map<OperationId, EngineOperation<?>> operations = new LinkedHashMap<>();
    private final Optional<Persistence> persistence;
    private final Optional<OperationKeeper> keeper;

    /**
     * @param clock     time for elapsed times and retention
     * @param retention how long finished operations stay listed
     * @param executor  runs the operations
     */
    public OperationRegistry(Clock clock, Duration retention, ExecutorService executor) {
        this(clock, retention, executor, Optional.empty());
    }

    /**
     * @param durable the job store, when operations are kept across restarts and shared between instances;
     *                {@link #startKeeping} then starts the lease, cancel and takeover loop
     */
    OperationRegistry(Clock clock, Duration retention, ExecutorService executor,
                      Optional<io.pveq.core.store.DurableOperations> durable) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.persistence = durable.map(d -> new Persistence(d, clock));
        this.keeper = persistence.map(p -> new OperationKeeper(this, p, clock));
    }

    /**
     * Starts keeping operations durable (renewing leases, picking up cancel requests, recovering what a
     * previous process of this instance, or an instance whose lease ran out, left running). No-op without
     * a job store.
     *
     * @param undo how a stored journal step is undone (the engine's {@link JournalActions})
     */
    void startKeeping(java.util.function.Function<JournalStep, RollbackJournal.Undo> undo) {
        keeper.ifPresent(k -> k.start(undo));
    }

    /** @return the clock */
    Clock clock() {
        return clock;
    }

    /** @return how long finished operations stay listed */
    Duration retention() {
        return retention;
    }

    /** @return the executor operations run on */
    ExecutorService executor() {
        return executor;
    }

    /**
     * Starts an operation.
     *
     * @param vmId       the VM, when known up front (then a second operation on it is refused)
     * @param firstStage the stage reported when the work fails before naming one
     * @param listener   gets every event
     * @throws VmStateException            when another operation runs on the VM
     * @throws ClusterUnavailableException when the executor refuses work (closed)
     */
    <R> EngineOperation<R> submit(OperationKind kind, Optional<VmId> vmId, Stage firstStage, ProgressListener listener,
                                  Work<R> work, FailureMapper failures) {
        return submit(kind, vmId, "{}", firstStage, listener, work, failures);
    }

    /**
     * Starts an operation.
     *
     * @param spec what was asked, as JSON without secrets (kept in the job store)
     */
    <R> EngineOperation<R> submit(OperationKind kind, Optional<VmId> vmId, String spec, Stage firstStage,
                                  ProgressListener listener, Work<R> work, FailureMapper failures) {
        EngineOperation<R> op = new EngineOperation<>(io.pveq.core.OperationId.random(), kind, vmId, clock.instant(),
                List.of(), persistence.<EngineOperation.Sink>map(p -> p).orElse(EngineOperation.Sink.NONE));
        if (vmId.isPresent()) {
            // other instances' operations too (a best-effort check: Proxmox's own locks are the last word)
            Optional<Operation<?>> elsewhere = persistence.isPresent() ? runningFor(vmId.get()) : Optional.empty();
            if (elsewhere.isPresent()) {
                throw busy(vmId.get(), elsewhere.get());
            }
        }
        synchronized (this) {
            purge();
            if (vmId.isPresent()) {
                Optional<Operation<?>> running = runningHereFor(vmId.get());
                if (running.isPresent()) {
                    throw busy(vmId.get(), running.get());
                }
            }
            persistence.ifPresent(p -> p.created(op, spec));
            operations.put(op.id(), op);
        }
        op.subscribe(0, listener);
        try {
            executor.execute(() -> runWork(op, firstStage, work, failures));
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                operations.remove(op.id());
            }
            throw new ClusterUnavailableException("the provisioner accepts no more work (closed?)", e);
        }
        return op;
    }

    /**
     * Runs a short operation on the calling thread, kept like the long ones: listed, its one stage's events
     * and its end stored (when there is a job store), recovered as interrupted after a crash. Check the input
     * and the VM's lock before: a call refused up front leaves no job. A cancel marks it, never interrupts
     * the caller's thread.
     *
     * @param spec    what was asked, as JSON without secrets
     * @param what    for the started event, e.g. {@code stopping VM 101 on pve1}
     * @param summary for the succeeded event, from the body's result
     * @return the body's result
     * @throws RuntimeException what the body threw, after the job ended failed with it
     * @throws ClusterUnavailableException when the job store cannot take the operation (nothing has run)
     */
    <T> T runShort(OperationKind kind, VmId vmId, String spec, String what, java.util.function.Supplier<T> body,
                   java.util.function.Function<T, String> summary) {
        Stage stage = kind.stages().get(0);
        EngineOperation<Object> op = new EngineOperation<>(io.pveq.core.OperationId.random(), kind, Optional.of(vmId),
                clock.instant(), List.of(), persistence.<EngineOperation.Sink>map(p -> p).orElse(EngineOperation.Sink.NONE));
        synchronized (this) {
            purge();
            persistence.ifPresent(p -> p.created(op, spec));
            operations.put(op.id(), op);
        }
        OperationRun run = new OperationRun(op, clock, stage);
        T value;
        String[] done = new String[1];
        try {
            run.vm(vmId, Optional.empty());
            value = run.stage(stage, what, body, v -> done[0] = summary.apply(v));
        } catch (RuntimeException | Error e) {
            fail(op, run, e, PLAIN);
            throw e;
        }
        op.terminate(new OperationSucceeded(stage, done[0], run.context()), OperationState.SUCCEEDED, Optional.empty());
        op.succeed(null, clock.instant());
        return value;
    }

    private static VmStateException busy(VmId vmId, Operation<?> running) {
        return new VmStateException(vmId, "VM " + vmId + " is busy with a running " + running.kind() + " operation ("
                + running.id() + "); wait for it or cancel it");
    }

    /**
     * Runs an operation's work and ends it: whatever happens (the work throws anything, a cancel lands
     * anywhere, ending it throws), the operation ends with exactly one terminal event and a finished state.
     */
    private <R> void runWork(EngineOperation<R> op, Stage firstStage, Work<R> work, FailureMapper failures) {
        OperationRun run = new OperationRun(op, clock, firstStage, new RollbackJournal(
                persistence.map(p -> p.journal(op.id())).orElse(RollbackJournal.Sink.NONE)));
        try {
            Done<R> done;
            try {
                if (!op.begin(Thread.currentThread())) {
                    throw new OperationCancelledException("cancelled before it started");
                }
                done = work.run(run);
            } finally {
                op.workEnded();
                Thread.interrupted(); // no cancel interrupts this thread any more: the end (or the rollback) must run
            }
            run.flushDetails();
            OperationSucceeded end = new OperationSucceeded(run.stage(), done.summary(), run.context());
            run.journal().commit();
            op.terminate(end, OperationState.SUCCEEDED, Optional.ofNullable(done.value()));
            op.succeed(done.value(), clock.instant());
        } catch (Throwable e) {
            if (op.terminalEvent().isEmpty()) {
                fail(op, run, e, failures);
            } else if (!op.state().isFinished()) {
                op.fail(new PveqException("ending the operation failed: " + FailureText.of(e), e), false,
                        clock.instant());
            }
        }
    }

    /**
     * Rolls the operation's journal back and ends it failed or cancelled. Never throws: when the rollback,
     * the failure mapper or anything else breaks, the operation still ends, reporting the rollback as
     * incomplete.
     */
    void fail(EngineOperation<?> op, OperationRun run, Throwable cause, FailureMapper failures) {
        boolean cancelled = op.cancelRequested() || cause instanceof OperationCancelledException;
        try {
            rollBackAndEnd(op, run, cause, failures, cancelled);
        } catch (Throwable broken) {
            LOG.error("{}: ending it after '{}' failed", op, FailureText.of(cause), broken);
            String reason = cancelled ? "cancelled during '" + run.stage().label() + "'" : FailureText.of(cause);
            if (op.terminalEvent().isEmpty()) {
                op.terminate(new OperationFailed(run.stage(), reason, cancelled,
                        List.of("FAILED to end the operation cleanly (" + FailureText.of(broken) + ")"), false,
                        run.context()), cancelled ? OperationState.CANCELLED : OperationState.FAILED, Optional.empty());
            }
            if (!op.state().isFinished()) {
                op.fail(new PveqException(reason, cause), cancelled, clock.instant());
            }
        }
    }

    private void rollBackAndEnd(EngineOperation<?> op, OperationRun run, Throwable cause, FailureMapper failures,
                                boolean cancelled) {
        run.flushDetails();
        Stage failed = run.stage();
        RollbackJournal.Outcome outcome = new RollbackJournal.Outcome(List.of(), List.of());
        if (run.journal().size() > 0) {
            Instant began = clock.instant();
            run.emit(new StageStarted(Stage.ROLLING_BACK, "rolling back " + run.journal().size() + " step(s)",
                    run.context()));
            Thread.interrupted(); // workEnded() stopped further interrupts; the rollback runs uninterrupted
            outcome = run.journal().rollback();
            outcome.done().forEach(d -> run.emit(StageDetail.of(Stage.ROLLING_BACK, "[*] " + d, run.context())));
            Duration took = Duration.between(began, clock.instant());
            took = took.isNegative() ? Duration.ZERO : took;
            if (outcome.complete()) {
                run.emit(new StageSucceeded(Stage.ROLLING_BACK, "rolled back: " + (outcome.done().isEmpty()
                        ? "nothing left to undo" : String.join(", ", outcome.done())), took, run.context()));
            } else {
                run.emit(new StageFailed(Stage.ROLLING_BACK, "could not " + String.join(", ", outcome.failures()),
                        took, run.context()));
            }
        }
        if (!(cause instanceof PveqException) && !(cause instanceof InvalidSpecException)) {
            LOG.warn("{} failed unexpectedly at '{}'", op, failed.label(), cause);
        } else {
            LOG.info("{} failed at '{}': {}", op, failed.label(), FailureText.of(cause));
        }
        String reason = cancelled ? "cancelled during '" + failed.label() + "'" : FailureText.of(cause);
        RuntimeException error;
        try {
            error = failures.map(failed, run.vmId(), outcome, cause, cancelled);
        } catch (RuntimeException e) {
            error = new PveqException(reason, cause);
        }
        op.terminate(new OperationFailed(failed, reason, cancelled, outcome.report(), outcome.complete(), run.context()),
                cancelled ? OperationState.CANCELLED : OperationState.FAILED, Optional.empty());
        op.fail(error, cancelled, clock.instant());
    }

    private synchronized void purge() {
        Instant cutoff = clock.instant().minus(retention);
        operations.values().removeIf(op -> op.state().isFinished()
                && op.finishedAt().map(f -> f.isBefore(cutoff)).orElse(false));
        if (operations.size() > MAX_RETAINED) {
            List<EngineOperation<?>> finished = operations.values().stream().filter(o -> o.state().isFinished())
                    .sorted(Comparator.comparing(EngineOperation::startedAt)).toList();
            for (int i = 0; i < finished.size() && operations.size() > MAX_RETAINED; i++) {
                operations.remove(finished.get(i).id());
            }
        }
    }

    @Override
    public List<Operation<?>> list() {
        Map<OperationId, Operation<?>> all = new LinkedHashMap<>();
        if (keeper.isPresent()) {
            for (io.pveq.core.store.StoredOperation stored : persistence.get().store().list(
                    persistence.get().config().keepFinished() + MAX_RETAINED)) {
                all.put(stored.id(), keeper.get().view(stored));
            }
        }
        synchronized (this) {
            purge();
            all.putAll(operations); // this process's own objects, live, win over stored snapshots
        }
        List<Operation<?>> sorted = new ArrayList<>(all.values());
        sorted.sort(Comparator.comparing(Operation<?>::startedAt).reversed());
        return List.copyOf(sorted);
    }

    @Override
    public Optional<Operation<?>> find(OperationId id) {
        synchronized (this) {
            purge();
            EngineOperation<?> here = operations.get(id);
            if (here != null) {
                return Optional.of(here);
            }
        }
        return keeper.flatMap(k -> persistence.get().store().find(id).map(k::view));
    }

    @Override
    public synchronized List<Operation<?>> runningHere() {
        List<Operation<?>> running = new ArrayList<>(operations.values().stream().filter(o -> !o.state().isFinished())
                .toList());
        running.sort(Comparator.comparing(Operation<?>::startedAt).reversed());
        return List.copyOf(running);
    }

    @Override
    public Optional<Operation<?>> runningFor(VmId vmId) {
        Optional<Operation<?>> here = runningHereFor(vmId);
        if (here.isPresent() || keeper.isEmpty()) {
            return here;
        }
        return persistence.get().store().running().stream().filter(s -> s.vmId().map(vmId::equals).orElse(false))
                .findFirst().map(keeper.get()::view);
    }

    private synchronized Optional<Operation<?>> runningHereFor(VmId vmId) {
        for (EngineOperation<?> op : operations.values()) {
            if (!op.state().isFinished() && op.vmId().map(vmId::equals).orElse(false)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    /** @return this process's operation object, if it runs or ran it */
    synchronized Optional<EngineOperation<?>> local(OperationId id) {
        return Optional.ofNullable(operations.get(id));
    }

    /** Adds an operation recovered from the job store, so it is served live while it rolls back. */
    synchronized void adopt(EngineOperation<?> op) {
        operations.put(op.id(), op);
    }

    /** @return the job store writer, when there is a store */
    Optional<Persistence> persistence() {
        return persistence;
    }

    /**
     * Cancels every running operation and waits (bounded) for their rollback.
     *
     * @param wait the longest time to wait in all
     */
    void cancelAll(Duration wait) {
        List<EngineOperation<?>> running;
        synchronized (this) {
            running = operations.values().stream().filter(op -> !op.state().isFinished()).toList();
        }
        keeper.ifPresent(OperationKeeper::stopTakingOver);
        running.forEach(EngineOperation::cancel);
        long deadline = System.nanoTime() + wait.toNanos();
        for (EngineOperation<?> op : running) {
            long left = deadline - System.nanoTime();
            try {
                op.result().handle((r, e) -> null).get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warn("{} did not finish its rollback in time", op);
            }
        }
        persistence.ifPresent(p -> {
            int waiting = p.retryBacklog();
            if (waiting > 0) {
                LOG.error("job store: {} write(s) of ended operations could not be stored before closing; another"
                        + " instance (or this one, restarted) rolls them back as interrupted", waiting);
            }
        });
        keeper.ifPresent(OperationKeeper::close);
    }
}
