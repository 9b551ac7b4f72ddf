package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.store.DurableOperations;
import io.pveq.core.store.OperationStore;
import io.pveq.core.store.StoredEvent;
import io.pveq.core.store.StoredJournalEntry;
import io.pveq.core.store.StoredOperation;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a provisioner's operations through to its job store: the operation when it starts (failing the
 * submit when the store cannot take it, before anything runs), each event before subscribers see it,
 * journal entries before their step runs (failing the step when the store cannot take them), and the end
 * in one transaction.
 *
 * <p>Writes never fail because the writing thread was interrupted (a cancel interrupts the operation's
 * thread, and a connection pool refuses an interrupted thread that has to wait for a connection): each
 * runs with the interrupt flag cleared and set again afterwards. Event, VM and end writes that fail all the
 * same are never thrown: they wait, in order, in the operation's backlog, which is written before anything
 * newer of that operation and retried every keeper round ({@link #retryBacklog}) until the store takes it.
 * So the stored log never has a gap (a follower on another instance waits for each index in turn) and an
 * operation that ended here always ends in the store too, while this process lives. Thread-safe.
 */
final class Persistence implements EngineOperation.Sink {

    private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
    /** Attempts of one write while interrupts keep landing in it. */
    private static final int ATTEMPTS = 3;

    private final DurableOperations config;
    private final Clock clock;
    private final AtomicLong failedWrites = new AtomicLong();
    private final Map<OperationId, Deque<Write>> backlog = new ConcurrentHashMap<>();

    /** One write of an operation's progress that must reach the store, in order. */
    private interface Write {
        /** Writes; throws when the store cannot take it. */
        void write(boolean retry);

        /** For the log. */
        String describe();
    }

    Persistence(DurableOperations config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    OperationStore store() {
        return config.store();
    }

    DurableOperations config() {
        return config;
    }

    /** @return event, VM or end writes that failed so far (each attempt counts) */
    long failedWrites() {
        return failedWrites.get();
    }

    /** @return writes waiting for the store, over all operations */
    int backlog() {
        return backlog.values().stream().mapToInt(q -> {
            synchronized (q) {
                return q.size();
            }
        }).sum();
    }

    /**
     * Runs one store call with the thread's interrupt flag cleared, setting it again afterwards if it was
     * set before or got set meanwhile. A call that fails while an interrupt landed in it is tried again
     * (at most {@link #ATTEMPTS} times in all).
     */
    static <T> T uninterrupted(Supplier<T> call) {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return call.get();
                } catch (RuntimeException e) {
                    boolean hit = Thread.interrupted();
                    interrupted |= hit;
                    if (!hit || attempt >= ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted || Thread.currentThread().isInterrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void uninterrupted(Runnable call) {
        uninterrupted(() -> {
            call.run();
            return null;
        });
    }

    /**
     * Stores a new operation, owned by this instance.
     *
     * @throws ClusterUnavailableException when the store cannot take it (nothing has run)
     */
    void created(EngineOperation<?> op, String spec) {
        try {
            uninterrupted(() -> config.store().insert(StoredOperation.started(op.id(), op.kind(), op.vmId(),
                    config.instance(), clock.instant().plus(config.lease()), op.startedAt(), spec)));
        } catch (RuntimeException e) {
            throw new ClusterUnavailableException("the job store cannot take a new operation: " + e.getMessage(), e);
        }
    }

    /** @return the journal sink of one operation: entries go to the store before their step runs */
    RollbackJournal.Sink journal(OperationId id) {
        return new RollbackJournal.Sink() {
            @Override
            public void put(int seq, JournalStep step) {
                try {
                    uninterrupted(() -> config.store().putJournal(id, new StoredJournalEntry(seq, OperationCodec.step(step))));
                } catch (RuntimeException e) {
                    throw new ClusterUnavailableException("the job store cannot take the rollback journal entry '"
                            + step.label() + "', so the step it would undo is not taken: " + e.getMessage(), e);
                }
            }

            @Override
            public void drop(int seq) {
                uninterrupted(() -> config.store().dropJournal(id, seq));
            }
        };
    }

    @Override
    public void event(EngineOperation<?> op, int index, ProgressEvent event) {
        StoredEvent stored = new StoredEvent(index, OperationCodec.event(event));
        write(op.id(), new Write() {
            @Override
            public void write(boolean retry) {
                // a retried append may have reached the store although it failed (the answer was lost)
                if (retry && (!stillOurs(op.id()) || config.store().events(op.id(), index).stream()
                        .anyMatch(e -> e.index() == index))) {
                    return;
                }
                config.store().appendEvent(op.id(), stored);
            }

            @Override
            public String describe() {
                return "event " + index + " of " + op;
            }
        });
    }

    @Override
    public void vm(EngineOperation<?> op, VmId vmId) {
        write(op.id(), new Write() {
            @Override
            public void write(boolean retry) {
                if (retry && !stillOurs(op.id())) {
                    return;
                }
                config.store().setVm(op.id(), vmId);
            }

            @Override
            public String describe() {
                return "the VM of " + op;
            }
        });
    }

    @Override
    public void finished(EngineOperation<?> op, int index, ProgressEvent terminal, OperationState state,
                         Optional<Object> result) {
        StoredEvent end = new StoredEvent(index, OperationCodec.event(terminal));
        Optional<String> value = result.map(OperationCodec::result);
        java.time.Instant at = clock.instant();
        write(op.id(), new Write() {
            @Override
            public void write(boolean retry) {
                if (retry && !stillOurs(op.id())) {
                    return;
                }
                if (!config.store().finish(op.id(), config.instance(), state, at, value, end)) {
                    LOG.error("{} ended here, but another instance took it over meanwhile (this instance could not"
                            + " renew its lease in time); the job store keeps that instance's account", op);
                }
            }

            @Override
            public String describe() {
                return "the end of " + op;
            }
        });
    }

    /**
     * @return true while the stored operation runs under this instance; a write that waited is dropped once
     *         another instance took the operation over (and ended it) meanwhile
     */
    private boolean stillOurs(OperationId id) {
        return config.store().find(id).map(s -> !s.state().isFinished() && s.owner().equals(config.instance()))
                .orElse(false);
    }

    /**
     * Writes now when nothing of the operation waits, else queues behind what waits and writes as much of
     * the queue as the store takes. Calls for one operation come from one thread at a time (its monitor).
     */
    private void write(OperationId id, Write write) {
        while (true) {
            Deque<Write> waiting = backlog.get(id);
            if (waiting == null) {
                try {
                    uninterrupted(() -> write.write(false));
                } catch (RuntimeException e) {
                    failed(write.describe(), e);
                    Deque<Write> queue = backlog.computeIfAbsent(id, k -> new ArrayDeque<>());
                    synchronized (queue) {
                        queue.addLast(write);
                    }
                }
                return;
            }
            synchronized (waiting) {
                if (backlog.get(id) != waiting) {
                    continue; // the keeper emptied and forgot it meanwhile
                }
                waiting.addLast(write);
                drain(id, waiting);
                return;
            }
        }
    }

    /** Writes the queue's head while the store takes it; forgets the queue once empty. Holds its monitor. */
    private void drain(OperationId id, Deque<Write> waiting) {
        while (!waiting.isEmpty()) {
            Write next = waiting.peekFirst();
            try {
                uninterrupted(() -> next.write(true));
            } catch (RuntimeException e) {
                failed(next.describe() + " (" + waiting.size() + " write(s) of it waiting)", e);
                return;
            }
            waiting.removeFirst();
        }
        backlog.remove(id, waiting);
    }

    /**
     * Writes what waits for the store (the keeper calls this every round, and once more when closing).
     *
     * @return writes still waiting
     */
    int retryBacklog() {
        for (Map.Entry<OperationId, Deque<Write>> e : backlog.entrySet()) {
            synchronized (e.getValue()) {
                drain(e.getKey(), e.getValue());
            }
        }
        return backlog();
    }

    private void failed(String what, RuntimeException e) {
        long n = failedWrites.incrementAndGet();
        if (n <= 10 || n % 100 == 0) {
            LOG.warn("job store: could not write {} ({} failed writes so far; kept to retry): {}", what, n, e.toString());
        }
    }
}
