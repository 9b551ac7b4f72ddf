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
    /**
     * Detail lines kept at each end of a stage: an operation's log lives as long as the operation is
     * remembered, and a chatty init script can print hundreds of thousands of lines. The first ones are
     * emitted as they come; past them the newest are held back and emitted, after a {@code ... N lines
     * omitted ...} line, when the stage ends.
     */
    static final int DETAILS_KEPT_AT_EACH_END = 200;

    private final EngineOperation<?> operation;
    private final Clock clock;
    private final Instant start;
    private final RollbackJournal journal;
    private Stage stage;
    private VmId vmId;
    private Ipv4Address ip;
    private long lastProgress = Long.MIN_VALUE;
    /** Guarded by this: detail lines of the current stage so far, and the newest held back past the cap. */
    private int detailsInStage;
    private final java.util.ArrayDeque<StageDetail> heldBack = new java.util.ArrayDeque<>();

    OperationRun(EngineOperation<?> operation, Clock clock, Stage firstStage) {
        this(operation, clock, firstStage, new RollbackJournal());
    }

    /** @param journal the operation's journal (writing durable entries to the job store, when there is one) */
    OperationRun(EngineOperation<?> operation, Clock clock, Stage firstStage, RollbackJournal journal) {
        this.operation = operation;
        this.clock = clock;
        this.start = operation.startedAt();
        this.stage = firstStage;
        this.journal = journal;
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

    /** @return the operation this run works for */
    EngineOperation<?> operation() {
        return operation;
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
        flushDetails();
        this.stage = next;
        checkCancelled();
        Instant began = clock.instant();
        emit(new StageStarted(next, what, context()));
        T value;
        try {
            value = body.get();
        } catch (RuntimeException | Error e) {
            flushDetails();
            String reason = operation.cancelRequested() ? "cancelled" : FailureText.of(e);
            emit(new StageFailed(next, reason, took(began), context()));
            throw e;
        }
        flushDetails();
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

    /** A detail line in the current stage; past {@link #DETAILS_KEPT_AT_EACH_END} lines, see there. */
    synchronized void detail(String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        StageDetail detail = StageDetail.of(stage, text.strip(), context());
        if (++detailsInStage <= DETAILS_KEPT_AT_EACH_END) {
            emit(detail);
            return;
        }
        heldBack.addLast(detail);
        if (heldBack.size() > DETAILS_KEPT_AT_EACH_END) {
            heldBack.removeFirst();
        }
    }

    /** Emits the held-back newest detail lines of the stage ending now, after a note of what was left out. */
    synchronized void flushDetails() {
        int omitted = detailsInStage - DETAILS_KEPT_AT_EACH_END - heldBack.size();
        if (omitted > 0) {
            emit(StageDetail.of(stage, "... " + omitted + " lines omitted ...", context()));
        }
        heldBack.forEach(this::emit);
        heldBack.clear();
        detailsInStage = 0;
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
