package io.pveq.server.fake;

import io.pveq.core.Operation;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ProgressListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test job with the replay semantics of {@link Operation#subscribe}: under one lock, the log is
 * replayed to a new subscriber and later events are delivered in order, so no gap and no duplicate.
 */
public final class FakeOperation<R> implements Operation<R> {

    private final OperationId id = OperationId.random();
    private final OperationKind kind;
    private final Instant startedAt = Instant.now();
    private final List<ProgressEvent> log = new ArrayList<>();
    private final List<Sub> subs = new ArrayList<>();
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final ProgressListener listener;
    private volatile OperationState state = OperationState.RUNNING;
    private volatile VmId vmId;

    FakeOperation(OperationKind kind, VmId vmId, ProgressListener listener) {
        this.kind = kind;
        this.vmId = vmId;
        this.listener = ProgressListener.guarded(listener);
    }

    private final class Sub implements Subscription {
        final ProgressListener target;
        int next;
        volatile boolean closed;

        Sub(ProgressListener target, int next) {
            this.target = target;
            this.next = next;
        }

        @Override
        public void close() {
            closed = true;
            synchronized (log) {
                subs.remove(this);
            }
        }
    }

    void vmId(VmId id) {
        this.vmId = id;
    }

    /** Appends an event and delivers it. */
    void emit(ProgressEvent event) {
        listener.onEvent(event);
        synchronized (log) {
            log.add(event);
            for (Sub s : List.copyOf(subs)) {
                deliver(s);
            }
            if (event.isTerminal()) {
                subs.clear();
            }
        }
    }

    private void deliver(Sub s) {
        while (!s.closed && s.next < log.size()) {
            s.target.onEvent(log.get(s.next++));
        }
    }

    void succeed(R value) {
        state = OperationState.SUCCEEDED;
        result.complete(value);
    }

    void fail(RuntimeException e, boolean cancelled) {
        state = cancelled ? OperationState.CANCELLED : OperationState.FAILED;
        result.completeExceptionally(e);
    }

    boolean cancelRequested() {
        return cancelRequested.get();
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

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public OperationState state() {
        return state;
    }

    @Override
    public List<ProgressEvent> events() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public Subscription subscribe(int fromIndex, ProgressListener l) {
        Sub s = new Sub(ProgressListener.guarded(l), fromIndex);
        synchronized (log) {
            deliver(s);
            boolean ended = !log.isEmpty() && log.get(log.size() - 1).isTerminal() && s.next >= log.size();
            if (!ended) {
                subs.add(s);
            }
        }
        return s;
    }

    @Override
    public boolean cancel() {
        if (state.isFinished()) {
            return false;
        }
        return cancelRequested.compareAndSet(false, true);
    }

    @Override
    public CompletableFuture<R> result() {
        return result.thenApply(r -> r);
    }

    /** @return true when the log ends with a cancelled failure */
    public boolean endedCancelled() {
        List<ProgressEvent> events = events();
        return !events.isEmpty() && events.get(events.size() - 1) instanceof OperationFailed f && f.cancelled();
    }
}
