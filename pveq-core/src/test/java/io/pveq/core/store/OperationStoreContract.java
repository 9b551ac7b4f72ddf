package io.pveq.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OperationStore} must do, run by each implementation's test (in-memory here, H2 and
 * a real PostgreSQL in pveq-store-jdbc). Implementations extend it and supply a fresh, empty store.
 */
public abstract class OperationStoreContract {

    protected static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    protected OperationStore store;

    /** @return a new empty store */
    protected abstract OperationStore newStore();

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static StoredOperation started(String owner, Instant at) {
        return StoredOperation.started(OperationId.random(), OperationKind.INSTALL, Optional.empty(), owner,
                at.plusSeconds(15), at, "{\"os\":\"debian\",\"version\":\"12\",\"password\":true}");
    }

    @Test
    void keepsAnOperationItsEventsAndItsEndVerbatim() {
        StoredOperation op = started("a", T0);
        store.insert(op);
        assertThrows(RuntimeException.class, () -> store.insert(op), "an id is stored once");
        store.setVm(op.id(), VmId.of(101));
        String unicode = "{\"text\":\"ünïcödé \\\"quoted\\\" \\n line\",\"big\":\"" + "x".repeat(20_000) + "\"}";
        store.appendEvent(op.id(), new StoredEvent(0, "{\"n\":0}"));
        store.appendEvent(op.id(), new StoredEvent(1, unicode));
        assertThrows(RuntimeException.class, () -> store.appendEvent(op.id(), new StoredEvent(1, "{}")),
                "an index is written once (a writer that lost its lease cannot overwrite)");
        assertEquals(List.of(new StoredEvent(1, unicode)), store.events(op.id(), 1));
        assertEquals(2, store.events(op.id(), 0).size());
        StoredOperation found = store.find(op.id()).orElseThrow();
        assertEquals(Optional.of(VmId.of(101)), found.vmId());
        assertEquals(OperationState.RUNNING, found.state());
        assertEquals(op.spec(), found.spec());
        assertEquals(T0, found.startedAt());
        assertEquals(2, found.eventCount());
        assertTrue(store.finish(op.id(), "a", OperationState.SUCCEEDED, T0.plusSeconds(60), Optional.of("{\"r\":1}"),
                new StoredEvent(2, "{\"end\":true}")));
        StoredOperation done = store.find(op.id()).orElseThrow();
        assertEquals(OperationState.SUCCEEDED, done.state());
        assertEquals(Optional.of(T0.plusSeconds(60)), done.finishedAt());
        assertEquals(Optional.of("{\"r\":1}"), done.result());
        assertEquals(Optional.of("{\"end\":true}"), done.terminalEvent());
        assertEquals(3, done.eventCount());
        assertFalse(store.finish(op.id(), "a", OperationState.FAILED, T0, Optional.empty(), new StoredEvent(3, "{}")),
                "finished once");
        assertEquals(Optional.empty(), store.find(OperationId.random()));
        assertEquals(List.of(), store.events(OperationId.random(), 0));
    }

    @Test
    void theJournalIsWrittenDroppedAndDiscardedWithTheEnd() {
        StoredOperation op = started("a", T0);
        store.insert(op);
        store.putJournal(op.id(), new StoredJournalEntry(0, "{\"type\":\"created_vm\",\"vmid\":100}"));
        store.putJournal(op.id(), new StoredJournalEntry(1, "{\"type\":\"created_vm\",\"vmid\":101}"));
        store.putJournal(op.id(), new StoredJournalEntry(2, "{\"type\":\"migration\"}"));
        store.dropJournal(op.id(), 0);
        store.dropJournal(op.id(), 42);
        assertEquals(List.of(1, 2), store.journal(op.id()).stream().map(StoredJournalEntry::seq).toList());
        assertEquals("{\"type\":\"created_vm\",\"vmid\":101}", store.journal(op.id()).get(0).json());
        assertTrue(store.finish(op.id(), "a", OperationState.FAILED, T0.plusSeconds(5), Optional.empty(),
                new StoredEvent(0, "{}")));
        assertEquals(List.of(), store.journal(op.id()), "the end discards the journal in the same transaction");
    }

    @Test
    void leasesAreRenewedByTheOwnerAndClaimedOnlyOnceExpired() {
        StoredOperation a = started("a", T0);
        StoredOperation b = started("b", T0);
        store.insert(a);
        store.insert(b);
        List<StoredOperation> renewed = store.renew("a", T0.plusSeconds(100));
        assertEquals(List.of(a.id()), renewed.stream().map(StoredOperation::id).toList());
        assertEquals(T0.plusSeconds(100), store.find(a.id()).orElseThrow().leaseUntil());
        assertFalse(store.claim(a.id(), "b", T0.plusSeconds(50), T0.plusSeconds(65)), "a's lease holds");
        assertTrue(store.claim(a.id(), "a", T0.plusSeconds(50), T0.plusSeconds(65)), "its own restart claims at once");
        assertTrue(store.claim(a.id(), "b", T0.plusSeconds(70), T0.plusSeconds(85)), "expired: b takes over");
        assertEquals("b", store.find(a.id()).orElseThrow().owner());
        assertEquals(List.of(), store.renew("a", T0.plusSeconds(200)), "a owns nothing now");
        assertFalse(store.finish(a.id(), "a", OperationState.SUCCEEDED, T0.plusSeconds(71), Optional.empty(),
                new StoredEvent(0, "{}")), "the former owner cannot end it");
        assertEquals(2, store.running().size());
        assertTrue(store.finish(a.id(), "b", OperationState.FAILED, T0.plusSeconds(72), Optional.empty(),
                new StoredEvent(0, "{}")));
        assertEquals(List.of(b.id()), store.running().stream().map(StoredOperation::id).toList());
        assertFalse(store.claim(a.id(), "c", T0.plusSeconds(999), T0.plusSeconds(1000)), "finished: not claimable");
    }

    @Test
    void ofManyInstancesClaimingAtOnceExactlyOneWins() throws Exception {
        StoredOperation op = started("dead", T0);
        store.insert(op);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String me = "i" + i;
                claims.add(pool.submit(() -> store.claim(op.id(), me, T0.plusSeconds(60), T0.plusSeconds(75))));
            }
            int won = 0;
            for (Future<Boolean> f : claims) {
                won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, won);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancelIsRequestedOnceAndSeenByTheOwnerWhenRenewing() {
        StoredOperation op = started("a", T0);
        store.insert(op);
        assertTrue(store.requestCancel(op.id()));
        assertFalse(store.requestCancel(op.id()), "already requested");
        assertTrue(store.renew("a", T0.plusSeconds(30)).get(0).cancelRequested());
        assertFalse(store.requestCancel(OperationId.random()));
    }

    @Test
    void listsNewestFirstAndPurgesByAgeAndCount() {
        List<OperationId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StoredOperation op = started("a", T0.plusSeconds(i));
            store.insert(op);
            ids.add(op.id());
        }
        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2)), store.list(3).stream().map(StoredOperation::id).toList());
        for (int i = 0; i < 4; i++) {
            store.appendEvent(ids.get(i), new StoredEvent(0, "{}"));
            assertTrue(store.finish(ids.get(i), "a", OperationState.SUCCEEDED, T0.plusSeconds(100 + i), Optional.empty(),
                    new StoredEvent(1, "{}")));
        }
        assertEquals(1, store.purge(T0.plusSeconds(101), 100), "finished before the cut-off");
        assertEquals(1, store.purge(T0, 2), "beyond the newest 2 finished");
        List<OperationId> left = store.list(10).stream().map(StoredOperation::id).toList();
        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2)), left, "the running one is never purged");
        assertEquals(List.of(), store.events(ids.get(0), 0), "events go with their operation");
    }
}
