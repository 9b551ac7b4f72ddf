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

    /** Where the operation's changes go besides memory (the job store); see {@link Persistence}. */
    interface Sink {
        /** No job store. */
        Sink NONE = new Sink() {
        };

        /** A non-terminal event was appended at {@code index}. Must not throw. */
        default void event(EngineOperation<?> op, int index, ProgressEvent event) {
        }

        /** The VM became known. Must not throw. */
        default void vm(EngineOperation<?> op, VmId vmId) {
        }

        /** The terminal event was appended at {@code index}; the operation ends in {@code state}. Must not throw. */
        default void finished(EngineOperation<?> op, int index, ProgressEvent terminal, OperationState state,
                              Optional<Object> result) {
        }
    }

    private final OperationId id;
    private final Sink sink;
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
        this(OperationId.random(), kind, vmId, startedAt, List.of(), Sink.NONE);
    }

    /**
     * @param log  events already in the log (an operation recovered from the job store), not re-persisted
     * @param sink where changes go besides memory
     */
    EngineOperation(OperationId id, OperationKind kind, Optional<VmId> vmId, Instant startedAt, List<ProgressEvent> log,
                    Sink sink) {
        this.id = Objects.requireNonNull(id, "id");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.vmId = vmId.orElse(null);
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.log.addAll(log);
        this.sink = Objects.requireNonNull(sink, "sink");
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
        if (!value.equals(this.vmId)) {
            this.vmId = value;
            sink.vm(this, value);
        }
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public OperationState state() {
        return state;
    }

    @Override
    public synchronized List<ProgressEvent> events() {
        return List.copyOf(log);
    }

    @Override
    public synchronized int eventCount() {
        return log.size();
    }

    @Override
    public synchronized Optional<ProgressEvent> terminalEvent() {
        return log.isEmpty() || !log.get(log.size() - 1).isTerminal() ? Optional.empty()
                : Optional.of(log.get(log.size() - 1));
    }

    @Override
    public Optional<Instant> finishedAt() {
        return Optional.ofNullable(finishedAt);
    }

    /**
     * Appends an event (persisting it first when there is a job store, so whatever a subscriber saw can be
     * replayed from any instance) and hands it to every subscriber, in order. Terminal events go through
     * {@link #terminate}.
     */
    synchronized void emit(ProgressEvent event) {
        if (event.isTerminal()) {
            throw new IllegalStateException("terminal events end the operation through terminate()");
        }
        log.add(event);
        int index = log.size() - 1;
        sink.event(this, index, event);
        deliver(event, index);
    }

    /** Appends the terminal event, stores the end (state, result, event in one go) and delivers the event. */
    synchronized void terminate(ProgressEvent terminal, OperationState end, Optional<Object> value) {
        log.add(terminal);
        int index = log.size() - 1;
        sink.finished(this, index, terminal, end, value);
        deliver(terminal, index);
    }

    private void deliver(ProgressEvent event, int index) {
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
    public synchronized boolean cancel() {
        if (state.isFinished() || cancelRequested) {
            return false;
        }
        cancelRequested = true;
        // interrupt under the lock: workEnded() takes it too, so once the worker has ended its work no
        // late interrupt can land in the rollback (whose commands would fail "interrupted")
        if (!rollingBack && worker != null) {
            worker.interrupt();
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
