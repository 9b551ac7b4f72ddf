package io.pveq.core.store;

import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An {@link OperationStore} in memory, for tests of the engine's durability (two provisioners in one JVM
 * sharing it stand for two server instances). One lock; every method atomic. Not durable, of course.
 */
public final class InMemoryOperationStore implements OperationStore {

    private final Map<OperationId, StoredOperation> operations = new HashMap<>();
    private final Map<OperationId, TreeMap<Integer, String>> events = new HashMap<>();
    private final Map<OperationId, TreeMap<Integer, String>> journals = new HashMap<>();

    private StoredOperation counted(StoredOperation op) {
        int count = events.getOrDefault(op.id(), new TreeMap<>()).size();
        return new StoredOperation(op.id(), op.kind(), op.vmId(), op.state(), op.owner(), op.leaseUntil(), op.startedAt(),
                op.finishedAt(), op.cancelRequested(), op.spec(), op.result(), op.terminalEvent(), count);
    }

    private StoredOperation get(OperationId id) {
        StoredOperation op = operations.get(id);
        if (op == null) {
            throw new IllegalArgumentException("no operation " + id);
        }
        return op;
    }

    @Override
    public synchronized void insert(StoredOperation operation) {
        if (operations.putIfAbsent(operation.id(), operation) != null) {
            throw new IllegalStateException("operation " + operation.id() + " exists");
        }
    }

    @Override
    public synchronized void setVm(OperationId id, VmId vmId) {
        StoredOperation o = get(id);
        operations.put(id, new StoredOperation(o.id(), o.kind(), Optional.of(vmId), o.state(), o.owner(), o.leaseUntil(),
                o.startedAt(), o.finishedAt(), o.cancelRequested(), o.spec(), o.result(), o.terminalEvent(), 0));
    }

    @Override
    public synchronized void appendEvent(OperationId id, StoredEvent event) {
        get(id);
        TreeMap<Integer, String> log = events.computeIfAbsent(id, k -> new TreeMap<>());
        if (log.putIfAbsent(event.index(), event.json()) != null) {
            throw new IllegalStateException("event " + event.index() + " of " + id + " exists");
        }
    }

    @Override
    public synchronized List<StoredEvent> events(OperationId id, int fromIndex) {
        List<StoredEvent> out = new ArrayList<>();
        events.getOrDefault(id, new TreeMap<>()).tailMap(fromIndex).forEach((i, j) -> out.add(new StoredEvent(i, j)));
        return out;
    }

    @Override
    public synchronized void putJournal(OperationId id, StoredJournalEntry entry) {
        get(id);
        journals.computeIfAbsent(id, k -> new TreeMap<>()).put(entry.seq(), entry.json());
    }

    @Override
    public synchronized void dropJournal(OperationId id, int seq) {
        TreeMap<Integer, String> j = journals.get(id);
        if (j != null) {
            j.remove(seq);
        }
    }

    @Override
    public synchronized List<StoredJournalEntry> journal(OperationId id) {
        List<StoredJournalEntry> out = new ArrayList<>();
        journals.getOrDefault(id, new TreeMap<>()).forEach((s, j) -> out.add(new StoredJournalEntry(s, j)));
        return out;
    }

    @Override
    public synchronized boolean finish(OperationId id, String owner, OperationState state, Instant finishedAt,
                                       Optional<String> result, StoredEvent terminalEvent) {
        StoredOperation o = get(id);
        if (!o.owner().equals(owner) || o.state().isFinished()) {
            return false;
        }
        appendEvent(id, terminalEvent);
        operations.put(id, new StoredOperation(o.id(), o.kind(), o.vmId(), state, o.owner(), o.leaseUntil(), o.startedAt(),
                Optional.of(finishedAt), o.cancelRequested(), o.spec(), result, Optional.of(terminalEvent.json()), 0));
        journals.remove(id);
        return true;
    }

    @Override
    public synchronized Optional<StoredOperation> find(OperationId id) {
        return Optional.ofNullable(operations.get(id)).map(this::counted);
    }

    @Override
    public synchronized List<StoredOperation> list(int limit) {
        return operations.values().stream().sorted(Comparator.comparing(StoredOperation::startedAt).reversed()
                .thenComparing(o -> o.id().value())).limit(limit).map(this::counted).toList();
    }

    @Override
    public synchronized List<StoredOperation> running() {
        return operations.values().stream().filter(o -> !o.state().isFinished()).map(this::counted).toList();
    }

    @Override
    public synchronized List<StoredOperation> renew(String owner, Instant until) {
        List<StoredOperation> out = new ArrayList<>();
        for (StoredOperation o : List.copyOf(operations.values())) {
            if (o.owner().equals(owner) && !o.state().isFinished()) {
                StoredOperation renewed = new StoredOperation(o.id(), o.kind(), o.vmId(), o.state(), o.owner(), until,
                        o.startedAt(), o.finishedAt(), o.cancelRequested(), o.spec(), o.result(), o.terminalEvent(), 0);
                operations.put(o.id(), renewed);
                out.add(counted(renewed));
            }
        }
        return out;
    }

    @Override
    public synchronized boolean claim(OperationId id, String owner, Instant now, Instant until) {
        StoredOperation o = operations.get(id);
        if (o == null || o.state().isFinished() || !(o.owner().equals(owner) || o.leaseUntil().isBefore(now))) {
            return false;
        }
        operations.put(id, new StoredOperation(o.id(), o.kind(), o.vmId(), o.state(), owner, until, o.startedAt(),
                o.finishedAt(), o.cancelRequested(), o.spec(), o.result(), o.terminalEvent(), 0));
        return true;
    }

    @Override
    public synchronized boolean requestCancel(OperationId id) {
        StoredOperation o = operations.get(id);
        if (o == null || o.state().isFinished() || o.cancelRequested()) {
            return false;
        }
        operations.put(id, new StoredOperation(o.id(), o.kind(), o.vmId(), o.state(), o.owner(), o.leaseUntil(),
                o.startedAt(), o.finishedAt(), true, o.spec(), o.result(), o.terminalEvent(), 0));
        return true;
    }

    @Override
    public synchronized int purge(Instant finishedBefore, int keep) {
        List<StoredOperation> finished = operations.values().stream().filter(o -> o.state().isFinished())
                .sorted(Comparator.comparing((StoredOperation o) -> o.finishedAt().orElseThrow()).reversed()).toList();
        int n = 0;
        for (int i = 0; i < finished.size(); i++) {
            StoredOperation o = finished.get(i);
            if (i >= keep || o.finishedAt().orElseThrow().isBefore(finishedBefore)) {
                operations.remove(o.id());
                events.remove(o.id());
                journals.remove(o.id());
                n++;
            }
        }
        return n;
    }
}
