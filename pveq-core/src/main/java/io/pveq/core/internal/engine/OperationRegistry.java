package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.Operation;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.OperationId;
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

    /**
     * @param clock     time for elapsed times and retention
     * @param retention how long finished operations stay listed
     * @param executor  runs the operations
     */
    public OperationRegistry(Clock clock, Duration retention, ExecutorService executor) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.executor = Objects.requireNonNull(executor, "executor");
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
        EngineOperation<R> op = new EngineOperation<>(kind, vmId, clock.instant());
        synchronized (this) {
            purge();
            if (vmId.isPresent()) {
                Optional<Operation<?>> running = runningFor(vmId.get());
                if (running.isPresent()) {
                    throw new VmStateException(vmId.get(), "VM " + vmId.get() + " is busy with a running "
                            + running.get().kind() + " operation (" + running.get().id() + "); wait for it or cancel it");
                }
            }
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

    private <R> void runWork(EngineOperation<R> op, Stage firstStage, Work<R> work, FailureMapper failures) {
        OperationRun run = new OperationRun(op, clock, firstStage);
        Done<R> done;
        try {
            if (!op.begin(Thread.currentThread())) {
                throw new OperationCancelledException("cancelled before it started");
            }
            done = work.run(run);
        } catch (Throwable e) {
            op.workEnded();
            Thread.interrupted(); // the rollback's commands must run
            fail(op, run, e, failures);
            return;
        }
        op.workEnded();
        Thread.interrupted();
        run.journal().commit();
        run.emit(new OperationSucceeded(run.stage(), done.summary(), run.context()));
        op.succeed(done.value(), clock.instant());
    }

    private void fail(EngineOperation<?> op, OperationRun run, Throwable cause, FailureMapper failures) {
        boolean cancelled = op.cancelRequested() || cause instanceof OperationCancelledException;
        Stage failed = run.stage();
        RollbackJournal.Outcome outcome = new RollbackJournal.Outcome(List.of(), List.of());
        if (run.journal().size() > 0) {
            Instant began = clock.instant();
            run.emit(new StageStarted(Stage.ROLLING_BACK, "rolling back " + run.journal().size() + " step(s)",
                    run.context()));
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
        run.emit(new OperationFailed(failed, reason, cancelled, outcome.report(), outcome.complete(), run.context()));
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
    public synchronized List<Operation<?>> list() {
        purge();
        List<Operation<?>> all = new ArrayList<>(operations.values());
        all.sort(Comparator.comparing(Operation<?>::startedAt).reversed());
        return List.copyOf(all);
    }

    @Override
    public synchronized Optional<Operation<?>> find(OperationId id) {
        purge();
        return Optional.ofNullable(operations.get(id));
    }

    @Override
    public synchronized Optional<Operation<?>> runningFor(VmId vmId) {
        for (EngineOperation<?> op : operations.values()) {
            if (!op.state().isFinished() && op.vmId().map(vmId::equals).orElse(false)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
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
    }
}
