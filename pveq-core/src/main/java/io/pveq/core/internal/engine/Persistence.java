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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a provisioner's operations through to its job store: the operation when it starts (failing the
 * submit when the store cannot take it, before anything runs), each event before subscribers see it,
 * journal entries before their step runs (failing the step when the store cannot take them), and the end
 * in one transaction. Event and end writes that fail are logged and counted, never thrown: the operation
 * goes on and its own process still serves the whole log. Thread-safe.
 */
final class Persistence implements EngineOperation.Sink {

    private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);

    private final DurableOperations config;
    private final Clock clock;
    private final AtomicLong failedWrites = new AtomicLong();

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

    /** @return event or end writes that failed so far */
    long failedWrites() {
        return failedWrites.get();
    }

    /**
     * Stores a new operation, owned by this instance.
     *
     * @throws ClusterUnavailableException when the store cannot take it (nothing has run)
     */
    void created(EngineOperation<?> op, String spec) {
        try {
            config.store().insert(StoredOperation.started(op.id(), op.kind(), op.vmId(), config.instance(),
                    clock.instant().plus(config.lease()), op.startedAt(), spec));
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
                    config.store().putJournal(id, new StoredJournalEntry(seq, OperationCodec.step(step)));
                } catch (RuntimeException e) {
                    throw new ClusterUnavailableException("the job store cannot take the rollback journal entry '"
                            + step.label() + "', so the step it would undo is not taken: " + e.getMessage(), e);
                }
            }

            @Override
            public void drop(int seq) {
                config.store().dropJournal(id, seq);
            }
        };
    }

    @Override
    public void event(EngineOperation<?> op, int index, ProgressEvent event) {
        try {
            config.store().appendEvent(op.id(), new StoredEvent(index, OperationCodec.event(event)));
        } catch (RuntimeException e) {
            failed("event " + index + " of " + op, e);
        }
    }

    @Override
    public void vm(EngineOperation<?> op, VmId vmId) {
        try {
            config.store().setVm(op.id(), vmId);
        } catch (RuntimeException e) {
            failed("the VM of " + op, e);
        }
    }

    @Override
    public void finished(EngineOperation<?> op, int index, ProgressEvent terminal, OperationState state,
                         Optional<Object> result) {
        try {
            boolean ours = config.store().finish(op.id(), config.instance(), state, clock.instant(),
                    result.map(OperationCodec::result), new StoredEvent(index, OperationCodec.event(terminal)));
            if (!ours) {
                LOG.error("{} ended here, but another instance took it over meanwhile (this instance could not renew"
                        + " its lease in time); the job store keeps that instance's account", op);
            }
        } catch (RuntimeException e) {
            failed("the end of " + op, e);
        }
    }

    private void failed(String what, RuntimeException e) {
        long n = failedWrites.incrementAndGet();
        if (n <= 10 || n % 100 == 0) {
            LOG.warn("job store: could not write {} ({} failed writes so far): {}", what, n, e.toString());
        }
    }
}
