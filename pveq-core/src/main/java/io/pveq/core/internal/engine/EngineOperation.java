package io.pveq.core.internal.engine;

import io.pveq.core.Operation;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ProgressListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One long operation's shared state: the event log with its subscribers, the state, the result and
 * the cancellation request. The work itself runs in {@link OperationRunner}. Thread-safe: the log
 * and the subscriber list are guarded by this object, so a subscriber gets replay and live events
 * with neither gap nor duplicate.
 *
 * @param <R> the result type
 */
final class EngineOperation<R> implements Operation<R> {

    private final OperationId id = OperationId.random();
    private final OperationKind kind;
    private final Instant startedAt;
    private final List<ProgressEvent> log = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private volatile VmId vmId;
    private volatile OperationState state = OperationState.RUNNING;
    private volatile Instant finishedAt;
    private boolean cancelRequested;
    private boolean rollingBack;
    private Thread worker;

    private final class Subscriber implements Subscription {
        private final ProgressListener listener;
        private int next;
        private volatile boolean open = true;

        Subscriber(ProgressListener listener, int next) {
            this.listener = ProgressListener.guarded(listener);
            this.next = next;
        }

        @Override
        public void close() {
            open = false;
            synchronized (EngineOperation.this) {
                subscribers.remove(this);
            }
        }
    }

    EngineOperation(OperationKind kind, Optional<VmId> vmId, Instant startedAt) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.vmId = vmId.orElse(null);
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    @Override
    public OperationId id() {
        return id;
    }

    @Override
    public OperationKind kind() {
        return kind;
    }

    @Override
    public Optional<VmId> vmId() {
        return Optional.ofNullable(vmId);
    }

    void vmId(VmId value) {
        this.vmId = value;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public OperationState state() {
        return state;
    }

    /** @return when the operation finished, if it has */
    Optional<Instant> finishedAt() {
        return Optional.ofNullable(finishedAt);
    }

    @Override
    public synchronized List<ProgressEvent> events() {
        return List.copyOf(log);
    }

    /** Appends an event and hands it to every subscriber, in order. */
    synchronized void emit(ProgressEvent event) {
        log.add(event);
        int index = log.size() - 1;
        for (Subscriber s : List.copyOf(subscribers)) {
            if (s.open && s.next == index) {
                s.next++;
                s.listener.onEvent(event);
            }
        }
        if (event.isTerminal()) {
            subscribers.clear();
        }
    }

    @Override
    public synchronized Subscription subscribe(int fromIndex, ProgressListener listener) {
        if (fromIndex < 0) {
            throw new IllegalArgumentException("fromIndex must not be negative, got " + fromIndex);
        }
        Subscriber s = new Subscriber(Objects.requireNonNull(listener, "listener"), fromIndex);
        while (s.next < log.size()) {
            s.listener.onEvent(log.get(s.next++));
        }
        boolean ended = !log.isEmpty() && log.get(log.size() - 1).isTerminal();
        if (!ended) {
            subscribers.add(s);
        }
        return s;
    }

    @Override
    public boolean cancel() {
        Thread toInterrupt;
        synchronized (this) {
            if (state.isFinished() || cancelRequested) {
                return false;
            }
            cancelRequested = true;
            toInterrupt = rollingBack ? null : worker;
        }
        if (toInterrupt != null) {
            toInterrupt.interrupt();
        }
        return true;
    }

    /** @return true once someone asked to cancel */
    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    /** The runner's thread starts working; false when cancelled before it began. */
    synchronized boolean begin(Thread thread) {
        worker = thread;
        return !cancelRequested;
    }

    /** The work ended: from now on a cancel no longer interrupts the thread (the rollback must run). */
    synchronized void workEnded() {
        rollingBack = true;
        worker = null;
    }

    void succeed(R value, Instant at) {
        finishedAt = at;
        state = OperationState.SUCCEEDED;
        result.complete(value);
    }

    void fail(RuntimeException error, boolean cancelled, Instant at) {
        finishedAt = at;
        state = cancelled ? OperationState.CANCELLED : OperationState.FAILED;
        result.completeExceptionally(error);
    }

    @Override
    public CompletableFuture<R> result() {
        return result.thenApply(r -> r);
    }

    @Override
    public String toString() {
        return kind + " " + id + vmId().map(v -> " (VM " + v + ")").orElse("") + " " + state;
    }
}
