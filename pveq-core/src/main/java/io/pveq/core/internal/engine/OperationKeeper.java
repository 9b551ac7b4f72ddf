package io.pveq.core.internal.engine;

import io.pveq.core.Operation;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.PveqException;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.OperationSucceeded;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.Stage;
import io.pveq.core.event.StageFailed;
import io.pveq.core.event.StageStarted;
import io.pveq.core.event.StageSucceeded;
import io.pveq.core.store.DurableOperations;
import io.pveq.core.store.OperationStore;
import io.pveq.core.store.StoredEvent;
import io.pveq.core.store.StoredJournalEntry;
import io.pveq.core.store.StoredOperation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a provisioner's durable operations honest, on one daemon thread, every poll interval: renews the
 * leases of the operations this instance runs; cancels the ones another instance asked to cancel;
 * recovers operations nobody will finish (on the first round the ones this instance's previous process
 * left running; on every round those whose owner let the lease run out): claims them, rolls them back
 * from their stored journal and marks them failed, their event log ending with the reason; purges old
 * history. When this instance cannot renew for most of its lease (all but two polls), it cancels its own
 * operations, before another instance may take them over. Thread-safe.
 */
final class OperationKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OperationKeeper.class);
    /** The reason an interrupted operation of this instance's previous process ends with. */
    static final String RESTARTED = "interrupted by a restart of the server";
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

    private final OperationRegistry registry;
    private final Persistence persistence;
    private final DurableOperations config;
    private final OperationStore store;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newScheduledThreadPool(2,
            DaemonThreads.factory("pveq-job-store"));
    private final Set<OperationId> recovering = new HashSet<>();
    private volatile Function<JournalStep, RollbackJournal.Undo> undo;
    private volatile boolean firstRound = true;
    private volatile boolean takingOver = true;
    private volatile Instant lastRenewal;
    private Instant lastPurge = Instant.EPOCH;
    private long failedRounds;

    OperationKeeper(OperationRegistry registry, Persistence persistence, Clock clock) {
        this.registry = registry;
        this.persistence = persistence;
        this.config = persistence.config();
        this.store = config.store();
        this.clock = clock;
        this.lastRenewal = clock.instant();
    }

    void start(Function<JournalStep, RollbackJournal.Undo> undoer) {
        this.undo = undoer;
        long every = config.poll().toMillis();
        thread.scheduleWithFixedDelay(this::round, 0, every, TimeUnit.MILLISECONDS);
    }

    /** @return a view of an operation this process does not run */
    Operation<?> view(StoredOperation stored) {
        return new StoredOperationView(stored, store, thread, config.poll());
    }

    /** Stops recovering other operations (the provisioner is closing); renewing goes on until {@link #close}. */
    void stopTakingOver() {
        takingOver = false;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private void round() {
        Instant now = clock.instant();
        persistence.retryBacklog();
        try {
            renew(now);
            if (takingOver) {
                recoverAbandoned(now);
            }
            if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) >= 0) {
                lastPurge = now;
                int purged = store.purge(now.minus(registry.retention()), config.keepFinished());
                if (purged > 0) {
                    LOG.debug("job store: purged {} finished operation(s)", purged);
                }
            }
            firstRound = false;
            failedRounds = 0;
        } catch (RuntimeException e) {
            if (failedRounds++ % 30 == 0) {
                LOG.warn("job store: cannot renew leases or look for abandoned operations: {}", e.toString());
            }
            // two polls before the lease runs out: this instance stops before another may take over
            if (Duration.between(lastRenewal, now).compareTo(config.lease().minus(config.poll().multipliedBy(2))) > 0) {
                fence("this instance has not reached the job store for most of its lease ("
                        + config.lease().toSeconds() + "s); another instance will take its jobs over");
            }
        }
    }

    private void renew(Instant now) {
        // taken before the renewal: an operation submitted meanwhile is in the store but not in the answer
        List<Operation<?>> runningBefore = registry.runningHere();
        List<StoredOperation> mine = store.renew(config.instance(), now.plus(config.lease()));
        lastRenewal = now;
        Set<OperationId> owned = new HashSet<>();
        for (StoredOperation op : mine) {
            owned.add(op.id());
            if (op.cancelRequested()) {
                registry.local(op.id()).filter(o -> !o.state().isFinished()).ifPresent(o -> {
                    if (o.cancel()) {
                        LOG.info("{}: cancelled through the job store (asked on another instance)", o);
                    }
                });
            }
        }
        for (Operation<?> op : runningBefore) {
            synchronized (recovering) {
                if (recovering.contains(op.id())) {
                    continue;
                }
            }
            if (!owned.contains(op.id()) && op.cancel()) {
                LOG.error("{}: another instance took this operation over (this instance's lease ran out); cancelling"
                        + " it here", op);
            }
        }
    }

    private void fence(String why) {
        for (Operation<?> op : registry.runningHere()) {
            if (op.cancel()) {
                LOG.error("{}: cancelled: {}", op, why);
            }
        }
    }

    private void recoverAbandoned(Instant now) {
        for (StoredOperation stored : store.running()) {
            boolean mineBefore = firstRound && stored.owner().equals(config.instance())
                    && registry.local(stored.id()).isEmpty();
            boolean expired = stored.leaseUntil().isBefore(now) && !stored.owner().equals(config.instance());
            if (!mineBefore && !expired) {
                continue;
            }
            synchronized (recovering) {
                if (recovering.contains(stored.id())) {
                    continue;
                }
            }
            if (!store.claim(stored.id(), config.instance(), now, now.plus(config.lease()))) {
                continue; // another instance was quicker
            }
            String reason = mineBefore ? RESTARTED : "interrupted: server instance " + stored.owner()
                    + " stopped renewing its lease (stopped or cut off); taken over by " + config.instance();
            LOG.warn("{} {} ({}): {}; rolling it back", stored.kind(), stored.id(),
                    stored.vmId().map(v -> "VM " + v).orElse("no VM yet"), reason);
            recover(stored, reason);
        }
    }

    /** Rolls one claimed operation back from its stored journal and marks it failed with {@code reason}. */
    private void recover(StoredOperation stored, String reason) {
        List<ProgressEvent> log = store.events(stored.id(), 0).stream().map(e -> OperationCodec.event(e.json())).toList();
        if (!log.isEmpty() && log.get(log.size() - 1).isTerminal()) {
            // it ended, but its process died before the end was stored: store what the log says
            ProgressEvent end = log.get(log.size() - 1);
            OperationState state = end instanceof OperationSucceeded ? OperationState.SUCCEEDED
                    : end instanceof OperationFailed f && f.cancelled() ? OperationState.CANCELLED : OperationState.FAILED;
            List<StoredEvent> kept = store.events(stored.id(), log.size() - 1);
            store.finish(stored.id(), config.instance(), state, clock.instant(), Optional.empty(), kept.get(0));
            return;
        }
        EngineOperation<Object> op = new EngineOperation<>(stored.id(), stored.kind(), stored.vmId(), stored.startedAt(),
                log, persistence);
        Stage stage = lastStage(log).orElse(stored.kind().stages().get(0));
        RollbackJournal journal = new RollbackJournal(persistence.journal(stored.id()));
        for (StoredJournalEntry entry : store.journal(stored.id())) {
            JournalStep step = OperationCodec.step(entry.json());
            journal.restore(entry.seq(), step, undo.apply(step));
        }
        OperationRun run = new OperationRun(op, clock, stage, journal);
        if (!log.isEmpty()) {
            ProgressEvent last = log.get(log.size() - 1);
            last.vmId().ifPresent(id -> run.vm(id, last.ip()));
        }
        synchronized (recovering) {
            recovering.add(stored.id());
        }
        registry.adopt(op);
        Runnable work = () -> {
            try {
                if (openStage(log)) {
                    op.emit(new StageFailed(stage, reason, Duration.ZERO, run.context()));
                }
                op.begin(Thread.currentThread());
                op.workEnded();
                registry.fail(op, run, new PveqException(reason), OperationRegistry.PLAIN);
            } finally {
                synchronized (recovering) {
                    recovering.remove(stored.id());
                }
            }
        };
        try {
            registry.executor().execute(work);
        } catch (RejectedExecutionException busy) {
            Thread t = new Thread(work, "pveq-recovery-" + stored.id());
            t.setDaemon(true);
            t.start();
        }
    }

    private static Optional<Stage> lastStage(List<ProgressEvent> log) {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i) instanceof StageStarted s) {
                return Optional.of(s.stage());
            }
        }
        return Optional.empty();
    }

    /** @return true when the log's last stage started and never ended */
    private static boolean openStage(List<ProgressEvent> log) {
        for (int i = log.size() - 1; i >= 0; i--) {
            ProgressEvent e = log.get(i);
            if (e instanceof StageSucceeded || e instanceof StageFailed) {
                return false;
            }
            if (e instanceof StageStarted) {
                return true;
            }
        }
        return false;
    }
}
