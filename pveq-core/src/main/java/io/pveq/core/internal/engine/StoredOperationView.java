package io.pveq.core.internal.engine;

import io.pveq.core.Operation;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.store.OperationStore;
import io.pveq.core.store.StoredEvent;
import io.pveq.core.store.StoredOperation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operation this process does not run: one another instance sharing the job store runs, or one that
 * finished in an earlier process. Read from the store: the snapshot it was made from answers
 * {@link #state()} and the list columns; {@link #events()} and {@link #subscribe} read the log, and a
 * subscription to a running one polls the store every poll interval for new events until the terminal
 * one. {@link #cancel()} marks it in the store; its owner picks that up within a poll interval.
 * Thread-safe.
 */
final class StoredOperationView implements Operation<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(StoredOperationView.class);

    private final StoredOperation snapshot;
    private final OperationStore store;
    private final ScheduledExecutorService poller;
    private final Duration poll;

    StoredOperationView(StoredOperation snapshot, OperationStore store, ScheduledExecutorService poller, Duration poll) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.store = store;
        this.poller = poller;
        this.poll = poll;
    }

    @Override
    public OperationId id() {
        return snapshot.id();
    }

    @Override
    public OperationKind kind() {
        return snapshot.kind();
    }

    @Override
    public Optional<VmId> vmId() {
        return snapshot.vmId();
    }

    @Override
    public Instant startedAt() {
        return snapshot.startedAt();
    }

    @Override
    public OperationState state() {
        return snapshot.state();
    }

    @Override
    public Optional<Instant> finishedAt() {
        return snapshot.finishedAt();
    }

    @Override
    public boolean local() {
        return false;
    }

    @Override
    public int eventCount() {
        return snapshot.eventCount();
    }

    @Override
    public Optional<ProgressEvent> terminalEvent() {
        return snapshot.terminalEvent().map(OperationCodec::event);
    }

    @Override
    public List<ProgressEvent> events() {
        return store.events(id(), 0).stream().map(e -> OperationCodec.event(e.json())).toList();
    }

    @Override
    public Subscription subscribe(int fromIndex, ProgressListener listener) {
        if (fromIndex < 0) {
            throw new IllegalArgumentException("fromIndex must not be negative, got " + fromIndex);
        }
        Follower follower = new Follower(fromIndex, ProgressListener.guarded(Objects.requireNonNull(listener, "listener")));
        follower.deliverNew(); // the replay, on the calling thread
        if (!follower.ended) {
            follower.schedule();
        }
        return follower;
    }

    /** Delivers the stored log from an index on, then what is appended, until the terminal event. */
    private final class Follower implements Subscription {
        private final ProgressListener listener;
        private int next;
        private volatile boolean ended;
        private volatile ScheduledFuture<?> task;

        Follower(int next, ProgressListener listener) {
            this.next = next;
            this.listener = listener;
        }

        synchronized void deliverNew() {
            if (ended) {
                return;
            }
            for (StoredEvent stored : store.events(id(), next)) {
                if (stored.index() != next) {
                    break; // a gap (written out of order by a failing writer): wait for it
                }
                ProgressEvent event = OperationCodec.event(stored.json());
                next++;
                listener.onEvent(event);
                if (event.isTerminal()) {
                    close();
                    return;
                }
            }
        }

        void schedule() {
            task = poller.scheduleWithFixedDelay(() -> {
                try {
                    deliverNew();
                } catch (RuntimeException e) {
                    LOG.debug("following {} from the job store: {}", id(), e.toString());
                }
            }, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
            if (ended) {
                task.cancel(false);
            }
        }

        @Override
        public void close() {
            ended = true;
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    @Override
    public boolean cancel() {
        return !snapshot.state().isFinished() && store.requestCancel(id());
    }

    @Override
    public CompletableFuture<Object> result() {
        CompletableFuture<Object> future = new CompletableFuture<>();
        if (snapshot.state().isFinished()) {
            complete(future, snapshot);
            return future;
        }
        subscribe(Math.max(0, snapshot.eventCount()), event -> {
            if (event.isTerminal()) {
                store.find(id()).ifPresentOrElse(s -> complete(future, s),
                        () -> future.completeExceptionally(new PveqException(event.message())));
            }
        });
        return future;
    }

    private static void complete(CompletableFuture<Object> future, StoredOperation done) {
        String message = done.terminalEvent().map(OperationCodec::event).map(ProgressEvent::message)
                .orElse("finished as " + done.state());
        switch (done.state()) {
            case SUCCEEDED -> future.complete(done.result().map(OperationCodec::result).orElse(null));
            case CANCELLED -> future.completeExceptionally(new OperationCancelledException(message));
            default -> future.completeExceptionally(new PveqException(message));
        }
    }

    @Override
    public String toString() {
        return kind() + " " + id() + vmId().map(v -> " (VM " + v + ")").orElse("") + " " + state() + " (stored, owner "
                + snapshot.owner() + ")";
    }
}
