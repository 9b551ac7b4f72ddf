package io.pveq.core.internal.engine;

import io.pveq.core.Ipv4Address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InstallResult;
import io.pveq.core.Operation;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.store.DurableOperations;
import io.pveq.core.store.InMemoryOperationStore;
import io.pveq.core.store.OperationStore;
import io.pveq.core.store.StoredEvent;
import io.pveq.core.store.StoredJournalEntry;
import io.pveq.core.store.StoredOperation;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Durable operations over a job store shared by two provisioners in one JVM (standing for two server
 * processes): what is written when, recovery after a "restart" (the first process's store access cut,
 * as when it is killed), takeover after the lease, cancel and follow from the other instance.
 */
class DurableOperationsTest {

    private static final Duration LEASE = Duration.ofMillis(1500);
    private static final Duration POLL = Duration.ofMillis(50);

    /** A store whose every call fails once {@code dead} is set: a killed process writes nothing more. */
    private static OperationStore killable(OperationStore store, AtomicBoolean dead, List<String> trace) {
        return (OperationStore) Proxy.newProxyInstance(OperationStore.class.getClassLoader(),
                new Class<?>[] {OperationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    if (dead.get()) {
                        throw new IllegalStateException("the process is dead");
                    }
                    if (method.getName().equals("putJournal")) {
                        trace.add("store: putJournal " + ((StoredJournalEntry) args[1]).json());
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static DurableOperations durable(OperationStore store, String instance) {
        return new DurableOperations(store, instance, LEASE, POLL, 100);
    }

    private static void await(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static OperationFailed terminal(List<ProgressEvent> events) {
        ProgressEvent last = events.get(events.size() - 1);
        assertTrue(last instanceof OperationFailed, "ends with the failure: " + last);
        return (OperationFailed) last;
    }

    @Test
    void everythingIsWrittenAndTheJournalEntryBeforeTheCreate() {
        InMemoryOperationStore store = new InMemoryOperationStore();
        FakePve pve = new FakePve("pve1");
        try (Harness h = new Harness(pve, durable(killable(store, new AtomicBoolean(), pve.commands), "a"), "pve1")) {
            Operation<InstallResult> op = h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE);
            InstallResult r = op.await();
            int putAt = indexOf(pve.commands, "store: putJournal {\"type\":\"created_vm\",\"vmid\":100");
            int createAt = indexOf(pve.commands, "pve1: qm create 100");
            assertTrue(putAt >= 0 && putAt < createAt, "journal entry before the create: " + pve.commands);
            StoredOperation stored = store.find(op.id()).orElseThrow();
            assertEquals(OperationState.SUCCEEDED, stored.state());
            assertEquals(op.events().size(), stored.eventCount());
            assertEquals(op.events().stream().map(ProgressEvent::toJson).toList(), store.events(op.id(), 0).stream()
                    .map(e -> OperationCodec.event(e.json()).toJson()).toList(), "the same log, event for event");
            assertEquals(List.of(), store.journal(op.id()), "a success keeps nothing to undo");
            assertEquals(r, OperationCodec.result(stored.result().orElseThrow()));
            String everything = stored.spec() + store.events(op.id(), 0) + pve.commands.stream()
                    .filter(c -> c.startsWith("store:")).toList();
            assertTrue(stored.spec().contains("\"password\":true"), stored.spec());
            assertFalse(everything.contains("user-pass-1") || everything.contains("root-secret-1"), "no secret stored");
        }
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aRestartedInstanceRollsBackWhatItsPreviousProcessLeftRunningAtOnce() throws Exception {
        InMemoryOperationStore store = new InMemoryOperationStore();
        FakePve pve = new FakePve("pve1");
        AtomicBoolean killed = new AtomicBoolean();
        Harness first = new Harness(pve, durable(killable(store, killed, new CopyOnWriteArrayList<>()), "pveq-1"), "pve1");
        CountDownLatch gate = new CountDownLatch(1);
        first.guests.gate = gate;
        OperationId id = first.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE).id();
        assertTrue(first.guests.waiting.await(10, TimeUnit.SECONDS), "the install waits for SSH, VM 100 created");
        assertTrue(pve.vm(100) != null);
        killed.set(true); // the first process is gone: it writes nothing more
        long restarted = System.nanoTime();
        try (Harness second = new Harness(pve, durable(store, "pveq-1"), "pve1")) {
            await(() -> store.find(id).orElseThrow().state().isFinished(), Duration.ofSeconds(10), "the recovery");
            assertTrue(System.nanoTime() - restarted < LEASE.toNanos(), "its own operations need no lease to expire");
            StoredOperation done = store.find(id).orElseThrow();
            assertEquals(OperationState.FAILED, done.state());
            assertTrue(pve.vm(100) == null, "the half-built VM is destroyed: " + pve.commands);
            Operation<?> seen = second.provisioner.operations().find(id).orElseThrow();
            OperationFailed end = terminal(seen.events());
            assertEquals(OperationKeeper.RESTARTED, end.reason());
            assertTrue(end.rolledBack().stream().anyMatch(d -> d.contains("destroyed VM 100")), end.rolledBack().toString());
            assertTrue(end.message().startsWith("[-] failed: interrupted by a restart of the server; rolled back: "),
                    end.message());
            assertEquals(List.of(), store.journal(id));
            List<ProgressEvent> replayed = new CopyOnWriteArrayList<>();
            seen.subscribe(3, replayed::add).close();
            assertEquals(seen.events().subList(3, seen.events().size()), replayed, "replay from Last-Event-ID");
        } finally {
            gate.countDown();
            first.provisioner.close();
        }
    }

    @Test
    void anotherInstanceTakesOverAfterTheLeaseAndRollsBack() throws Exception {
        InMemoryOperationStore store = new InMemoryOperationStore();
        FakePve pve = new FakePve("pve1");
        AtomicBoolean cutOff = new AtomicBoolean();
        Harness first = new Harness(pve, durable(killable(store, cutOff, new CopyOnWriteArrayList<>()), "pveq-1"), "pve1");
        CountDownLatch gate = new CountDownLatch(1);
        first.guests.gate = gate;
        try (Harness second = new Harness(pve, durable(store, "pveq-2"), "pve1")) {
            OperationId id = first.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE).id();
            assertTrue(first.guests.waiting.await(10, TimeUnit.SECONDS));
            Operation<?> view = second.provisioner.operations().find(id).orElseThrow();
            assertFalse(view.local(), "seen from the other instance");
            List<ProgressEvent> followed = new CopyOnWriteArrayList<>();
            second.provisioner.operations().find(id).orElseThrow().subscribe(0, followed::add);
            Thread.sleep(LEASE.toMillis() / 2);
            assertEquals(OperationState.RUNNING, store.find(id).orElseThrow().state(), "a live lease is respected");
            cutOff.set(true); // the first instance dies
            await(() -> store.find(id).orElseThrow().state().isFinished(), LEASE.multipliedBy(4), "the takeover");
            assertTrue(pve.vm(100) == null, pve.commands.toString());
            OperationFailed end = terminal(second.provisioner.operations().find(id).orElseThrow().events());
            assertTrue(end.reason().contains("server instance pveq-1 stopped renewing its lease"), end.reason());
            await(() -> !followed.isEmpty() && followed.get(followed.size() - 1).isTerminal(), Duration.ofSeconds(5),
                    "the follower to see the end");
            assertEquals(second.provisioner.operations().find(id).orElseThrow().events(), followed,
                    "followed live across instances: every event once, in order");
        } finally {
            gate.countDown();
            first.provisioner.close();
        }
    }

    @Test
    void anOperationIsCancelledFromTheOtherInstance() throws Exception {
        InMemoryOperationStore store = new InMemoryOperationStore();
        FakePve pve = new FakePve("pve1");
        try (Harness first = new Harness(pve, durable(store, "pveq-1"), "pve1");
             Harness second = new Harness(pve, durable(store, "pveq-2"), "pve1")) {
            first.guests.gate = new CountDownLatch(1);
            Operation<InstallResult> op = first.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE);
            assertTrue(first.guests.waiting.await(10, TimeUnit.SECONDS));
            Operation<?> remote = second.provisioner.operations().find(op.id()).orElseThrow();
            assertTrue(remote.cancel());
            await(() -> op.state().isFinished(), Duration.ofSeconds(10), "the owner to cancel");
            assertEquals(OperationState.CANCELLED, op.state());
            assertTrue(pve.vm(100) == null);
            assertEquals(OperationState.CANCELLED, store.find(op.id()).orElseThrow().state());
            assertTrue(second.provisioner.operations().list().stream().anyMatch(o -> o.id().equals(op.id())
                    && o.state() == OperationState.CANCELLED));
            assertTrue(terminal(second.provisioner.operations().find(op.id()).orElseThrow().events()).cancelled());
        }
    }

    /**
     * A store that refuses every call from an interrupted thread, as HikariCP does when the pool has no idle
     * connection ("Interrupted during connection acquisition"), and every write while {@code down} is set.
     */
    private static OperationStore refusingInterrupted(OperationStore store, AtomicBoolean down, List<String> refused) {
        return (OperationStore) Proxy.newProxyInstance(OperationStore.class.getClassLoader(),
                new Class<?>[] {OperationStore.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (Thread.currentThread().isInterrupted() && !name.equals("close")) {
                        refused.add("interrupted: " + name);
                        throw new IllegalStateException("Interrupted during connection acquisition");
                    }
                    if (down.get() && (name.equals("appendEvent") || name.equals("finish") || name.equals("setVm"))) {
                        refused.add("down: " + name);
                        throw new IllegalStateException("the store is unreachable");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void assertStoredLogIsTheLocalOne(InMemoryOperationStore store, Operation<?> op) {
        List<StoredEvent> stored = store.events(op.id(), 0);
        for (int i = 0; i < stored.size(); i++) {
            assertEquals(i, stored.get(i).index(), "no gap in the stored log: " + stored);
        }
        assertEquals(op.events().stream().map(ProgressEvent::toJson).toList(), stored.stream()
                .map(e -> OperationCodec.event(e.json()).toJson()).toList(), "the same log, event for event");
    }

    /** An install on {@code first}, held in its wait for SSH, and the events {@code second} follows of it. */
    private record Followed(Operation<InstallResult> op, List<ProgressEvent> events) {
    }

    private static Followed installFollowedFromTheOther(Harness first, Harness second) throws InterruptedException {
        first.guests.gate = new CountDownLatch(1);
        Operation<InstallResult> op = first.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE);
        assertTrue(first.guests.waiting.await(10, TimeUnit.SECONDS));
        List<ProgressEvent> followed = new CopyOnWriteArrayList<>();
        second.provisioner.operations().find(op.id()).orElseThrow().subscribe(0, followed::add);
        return new Followed(op, followed);
    }

    @Test
    void aCancelInterruptingTheJobLeavesNoGapAndTheFollowerOnTheOtherInstanceSeesTheEnd() throws Exception {
        InMemoryOperationStore store = new InMemoryOperationStore();
        FakePve pve = new FakePve("pve1");
        List<String> refused = new CopyOnWriteArrayList<>();
        try (Harness first = new Harness(pve, durable(refusingInterrupted(store, new AtomicBoolean(), refused), "pveq-1"),
                "pve1");
             Harness second = new Harness(pve, durable(store, "pveq-2"), "pve1")) {
            Followed f = installFollowedFromTheOther(first, second);
            Operation<InstallResult> op = f.op();
            List<ProgressEvent> followed = f.events();
            // the cancel interrupts the job in its wait; the stage then reports its failure with the flag still set
            assertTrue(op.cancel());
            await(() -> op.state().isFinished(), Duration.ofSeconds(10), "the cancel");
            assertEquals(OperationState.CANCELLED, op.state());
            await(() -> store.find(op.id()).orElseThrow().state().isFinished(), Duration.ofSeconds(5), "the stored end");
            assertEquals(OperationState.CANCELLED, store.find(op.id()).orElseThrow().state());
            assertStoredLogIsTheLocalOne(store, op);
            await(() -> !followed.isEmpty() && followed.get(followed.size() - 1).isTerminal(), Duration.ofSeconds(5),
                    "the follower on the other instance to see the end");
            assertEquals(op.events(), followed);
            assertTrue(pve.vm(100) == null, "rolled back: " + pve.commands);
            assertEquals(List.of(), refused, "no store call ever ran on an interrupted thread");
        }
    }

    @Test
    void writesTheStoreRefusesWaitInOrderAndReachItWhenItIsBack() throws Exception {
        InMemoryOperationStore store = new InMemoryOperationStore();
        FakePve pve = new FakePve("pve1");
        AtomicBoolean down = new AtomicBoolean();
        List<String> refused = new CopyOnWriteArrayList<>();
        try (Harness first = new Harness(pve, durable(refusingInterrupted(store, down, refused), "pveq-1"), "pve1");
             Harness second = new Harness(pve, durable(store, "pveq-2"), "pve1")) {
            Followed f = installFollowedFromTheOther(first, second);
            Operation<InstallResult> op = f.op();
            List<ProgressEvent> followed = f.events();
            down.set(true);
            assertTrue(op.cancel());
            await(() -> op.state().isFinished(), Duration.ofSeconds(10), "the cancel");
            Thread.sleep(POLL.toMillis() * 4); // several keeper rounds retry in vain
            assertTrue(refused.stream().anyMatch(r -> r.equals("down: finish")) || refused.contains("down: appendEvent"),
                    refused.toString());
            StoredOperation meanwhile = store.find(op.id()).orElseThrow();
            assertEquals(OperationState.RUNNING, meanwhile.state(), "the end waits for the store");
            assertTrue(meanwhile.leaseUntil().isAfter(java.time.Instant.now()), "and its owner keeps the lease");
            down.set(false);
            await(() -> store.find(op.id()).orElseThrow().state().isFinished(), Duration.ofSeconds(5),
                    "the waiting writes to reach the store");
            assertEquals(OperationState.CANCELLED, store.find(op.id()).orElseThrow().state());
            assertStoredLogIsTheLocalOne(store, op);
            await(() -> !followed.isEmpty() && followed.get(followed.size() - 1).isTerminal(), Duration.ofSeconds(5),
                    "the follower to see the end");
            assertEquals(op.events(), followed);
        }
    }

    @Test
    void shortOperationsAreKeptAsJobsWithTheirEventsAndOutcome() {
        InMemoryOperationStore store = new InMemoryOperationStore();
        FakePve pve = new FakePve("pve1");
        try (Harness h = new Harness(pve, durable(store, "a"), "pve1")) {
            VmId vm = h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE).await().vmId();
            h.provisioner.setCpu(vm, 4);
            h.provisioner.setMemory(vm, 4096);
            h.provisioner.growDisk(vm, io.pveq.core.DiskSize.ofGiB(2));
            h.provisioner.stop(vm);
            pve.fail(List.of("qm", "destroy"), 2, "storage is gone\n", -1);
            org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> h.provisioner.destroy(vm),
                    "the caller still gets the failure");
            List<StoredOperation> kept = store.list(10);
            assertEquals(List.of(io.pveq.core.event.OperationKind.DESTROY, io.pveq.core.event.OperationKind.STOP,
                    io.pveq.core.event.OperationKind.GROW_DISK, io.pveq.core.event.OperationKind.SET_MEMORY,
                    io.pveq.core.event.OperationKind.SET_CPU, io.pveq.core.event.OperationKind.INSTALL),
                    kept.stream().map(StoredOperation::kind).toList(), "newest first");
            for (StoredOperation op : kept.subList(1, 5)) {
                assertEquals(OperationState.SUCCEEDED, op.state(), op.toString());
                assertEquals(vm, op.vmId().orElseThrow());
                List<ProgressEvent> events = store.events(op.id(), 0).stream().map(e -> OperationCodec.event(e.json()))
                        .toList();
                assertEquals(3, events.size(), "started, succeeded, the end: " + events);
                assertTrue(events.get(2).isTerminal());
            }
            assertTrue(OperationCodec.event(kept.get(1).terminalEvent().orElseThrow()).message()
                    .startsWith("[+] VM 100 stopped in "), kept.get(1).terminalEvent().toString());
            assertTrue(kept.get(4).spec().contains("\"cpu\":4") && kept.get(4).spec().contains("\"force\":false"),
                    kept.get(4).spec());
            StoredOperation destroy = kept.get(0);
            assertEquals(OperationState.FAILED, destroy.state());
            assertTrue(OperationCodec.event(destroy.terminalEvent().orElseThrow()).message().contains("storage is gone"),
                    destroy.terminalEvent().toString());
            assertEquals(kept.stream().map(StoredOperation::id).toList(), h.provisioner.operations().list().stream()
                    .map(Operation::id).toList(), "the jobs list shows them too");
            int before = store.list(10).size();
            org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> h.provisioner.setCpu(vm, 0));
            assertEquals(before, store.list(10).size(), "a call refused up front leaves no job");
        }
    }

    @Test
    void aBrokenStoreRefusesNewWorkBeforeAnythingRuns() {
        FakePve pve = new FakePve("pve1");
        AtomicBoolean dead = new AtomicBoolean(true);
        try (Harness h = new Harness(pve, durable(killable(new InMemoryOperationStore(), dead, new CopyOnWriteArrayList<>()),
                "a"), "pve1")) {
            org.junit.jupiter.api.Assertions.assertThrows(io.pveq.core.ClusterUnavailableException.class,
                    () -> h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE));
            assertTrue(pve.commands.isEmpty(), pve.commands.toString());
        }
    }

    @Test
    void storedEventsDecodeToTheSameEvents() {
        for (ProgressEvent e : List.<ProgressEvent>of(
                new io.pveq.core.event.StageStarted(io.pveq.core.event.Stage.CREATING_VM, "creating",
                        io.pveq.core.event.EventContext.of(Duration.ofMillis(1234), VmId.of(101),
                                io.pveq.core.Ipv4Address.parse("ip", "10.0.0.101"))),
                new io.pveq.core.event.TransferProgress(io.pveq.core.event.Stage.DOWNLOADING_IMAGE, 5, 10, 2.5,
                        io.pveq.core.event.EventContext.of(Duration.ZERO)),
                new OperationFailed(io.pveq.core.event.Stage.IMPORTING_DISK, "boom \"x\"", true, List.of("a", "b"), false,
                        io.pveq.core.event.EventContext.of(Duration.ofSeconds(3))))) {
            assertEquals(e, OperationCodec.event(OperationCodec.event(e)));
            assertEquals(e.toJson(), OperationCodec.event(new StoredEvent(0, OperationCodec.event(e)).json()).toJson());
        }
    }
}
