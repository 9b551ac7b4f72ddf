package io.pveq.core.internal.engine;

import io.pveq.core.Ipv4Address;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.VmId;
import io.pveq.core.event.EventContext;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ReadinessAttempt;
import io.pveq.core.event.Stage;
import io.pveq.core.event.StageDetail;
import io.pveq.core.event.StageFailed;
import io.pveq.core.event.StageStarted;
import io.pveq.core.event.StageSucceeded;
import io.pveq.core.event.TransferProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the work of one operation uses while it runs: stages that report started/succeeded/failed
 * with their elapsed time, detail lines, the VM and address once known, the rollback journal and
 * the cancellation check. Used by the operation's thread only.
 */
final class OperationRun {

    private static final long PROGRESS_INTERVAL_MILLIS = 250;

    private final EngineOperation<?> operation;
    private final Clock clock;
    private final Instant start;
    private final RollbackJournal journal = new RollbackJournal();
    private Stage stage;
    private VmId vmId;
    private Ipv4Address ip;
    private long lastProgress = Long.MIN_VALUE;

    OperationRun(EngineOperation<?> operation, Clock clock, Stage firstStage) {
        this.operation = operation;
        this.clock = clock;
        this.start = clock.instant();
        this.stage = firstStage;
        operation.vmId().ifPresent(id -> this.vmId = id);
    }

    /** @return the undo log */
    RollbackJournal journal() {
        return journal;
    }

    /** @return the stage running now, or the last one run */
    Stage stage() {
        return stage;
    }

    /** @return the VM, once known */
    Optional<VmId> vmId() {
        return Optional.ofNullable(vmId);
    }

    /** @return the address, once known */
    Optional<Ipv4Address> ip() {
        return Optional.ofNullable(ip);
    }

    /** Records the VM (and address) the events from now on carry. */
    void vm(VmId id, Optional<Ipv4Address> address) {
        this.vmId = id;
        this.ip = address.orElse(null);
        operation.vmId(id);
    }

    Duration elapsed() {
        Duration d = Duration.between(start, clock.instant());
        return d.isNegative() ? Duration.ZERO : d;
    }

    EventContext context() {
        return new EventContext(elapsed(), Optional.ofNullable(vmId), Optional.ofNullable(ip));
    }

    void emit(ProgressEvent event) {
        operation.emit(event);
    }

    /** @throws OperationCancelledException when a cancel was asked for */
    void checkCancelled() {
        if (operation.cancelRequested() || Thread.currentThread().isInterrupted()) {
            throw new OperationCancelledException("cancelled during '" + stage.label() + "'");
        }
    }

    /** @return true once a cancel was asked for */
    boolean cancelRequested() {
        return operation.cancelRequested();
    }

    /**
     * Runs one stage: started event, the body, then succeeded or failed with the time it took.
     *
     * @param what    for the started event, e.g. {@code creating VM 101 on pve1}
     * @param body    the work
     * @param summary for the succeeded event, from the body's result
     * @return the body's result
     */
    <T> T stage(Stage next, String what, Supplier<T> body, Function<T, String> summary) {
        this.stage = next;
        checkCancelled();
        Instant began = clock.instant();
        emit(new StageStarted(next, what, context()));
        T value;
        try {
            value = body.get();
        } catch (RuntimeException | Error e) {
            String reason = operation.cancelRequested() ? "cancelled" : FailureText.of(e);
            emit(new StageFailed(next, reason, took(began), context()));
            throw e;
        }
        emit(new StageSucceeded(next, summary.apply(value), took(began), context()));
        return value;
    }

    /** A stage without a result. */
    void stage(Stage next, String what, Runnable body, String summary) {
        stage(next, what, () -> {
            body.run();
            return null;
        }, ignored -> summary);
    }

    private Duration took(Instant began) {
        Duration d = Duration.between(began, clock.instant());
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** A detail line in the current stage. */
    void detail(String text) {
        if (text != null && !text.isBlank()) {
            emit(StageDetail.of(stage, text.strip(), context()));
        }
    }

    /** One readiness attempt in the current stage. */
    void readiness(int attempt, String outcome) {
        emit(new ReadinessAttempt(stage, Math.max(1, attempt),
                outcome == null || outcome.isBlank() ? "no answer" : outcome, context()));
    }

    /** Transfer progress in the current stage, at most a few per second. */
    synchronized void progress(long bytes, long total, double rate) {
        long now = clock.millis();
        boolean last = total > 0 && bytes >= total;
        if (!last && now - lastProgress < PROGRESS_INTERVAL_MILLIS) {
            return;
        }
        lastProgress = now;
        double safeRate = Double.isFinite(rate) && rate >= 0 ? rate : 0;
        emit(new TransferProgress(stage, Math.max(0, bytes), total < 0 ? -1 : total, safeRate, context()));
    }
}
