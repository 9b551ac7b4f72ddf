package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.OperationCancelledException;
import io.pveq.core.OperationState;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationRegistryTest {

    private final ExecutorService pool = DaemonThreads.cachedPool("registry-test");
    private final OperationRegistry registry = new OperationRegistry(Clock.systemUTC(), Duration.ofHours(1), pool);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aFailureRollsBackNewestFirstAndEndsWithOneTerminalEvent() {
        List<String> undone = new CopyOnWriteArrayList<>();
        var op = registry.submit(OperationKind.START, Optional.of(VmId.of(100)), Stage.STARTING_VM, ProgressListener.NONE,
                run -> {
                    run.journal().register("a", () -> {
                        undone.add("a");
                        return "undid a";
                    });
                    run.journal().register("b", () -> {
                        undone.add("b");
                        throw new IllegalStateException("b broke");
                    });
                    run.stage(Stage.STARTING_VM, "starting", () -> {
                        throw new PveqException("boom");
                    }, "never");
                    return null;
                }, OperationRegistry.PLAIN);
        PveqException e = assertThrows(PveqException.class, op::await);
        assertEquals("boom", e.getMessage());
        assertEquals(List.of("b", "a"), undone);
        List<ProgressEvent> events = op.events();
        assertEquals(1, events.stream().filter(ProgressEvent::isTerminal).count());
        OperationFailed last = (OperationFailed) events.get(events.size() - 1);
        assertFalse(last.rollbackComplete());
        assertEquals(List.of("undid a", "FAILED to b (b broke)"), last.rolledBack());
        assertEquals(OperationState.FAILED, op.state());
    }

    @Test
    void subscribersGetReplayThenLiveEventsWithoutGapOrDuplicate() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        var op = registry.submit(OperationKind.START, Optional.of(VmId.of(101)), Stage.STARTING_VM, ProgressListener.NONE,
                run -> {
                    run.stage(Stage.STARTING_VM, "one", () -> { }, "one done");
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new OperationCancelledException("interrupted");
                    }
                    run.stage(Stage.FINALIZING, "two", () -> { }, "two done");
                    return new OperationRegistry.Done<>("ok", "finished");
                }, OperationRegistry.PLAIN);
        while (op.events().size() < 2) {
            Thread.onSpinWait();
        }
        List<ProgressEvent> seen = new CopyOnWriteArrayList<>();
        op.subscribe(1, seen::add);
        release.countDown();
        assertEquals("ok", op.await());
        assertEquals(op.events().subList(1, op.events().size()), seen);
    }

    @Test
    void cancelInterruptsTheWorkAndReportsCancellation() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        var op = registry.submit(OperationKind.START, Optional.of(VmId.of(102)), Stage.STARTING_VM, ProgressListener.NONE,
                run -> run.stage(Stage.STARTING_VM, "sleeping", () -> {
                    started.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        throw new OperationCancelledException("interrupted");
                    }
                    return null;
                }, x -> "never"), OperationRegistry.PLAIN);
        started.await();
        assertTrue(op.cancel());
        assertFalse(op.cancel(), "already being cancelled");
        assertThrows(OperationCancelledException.class, op::await);
        assertEquals(OperationState.CANCELLED, op.state());
        assertTrue(((OperationFailed) op.events().get(op.events().size() - 1)).cancelled());
    }

    @Test
    void anOperationWhoseSuccessCannotBeReportedStillEndsAndRollsBack() {
        List<String> undone = new CopyOnWriteArrayList<>();
        // no VM named anywhere: the success event cannot be made (it must carry the VM id)
        var op = registry.submit(OperationKind.START, Optional.empty(), Stage.STARTING_VM, ProgressListener.NONE,
                run -> {
                    run.journal().register("a", () -> {
                        undone.add("a");
                        return "undid a";
                    });
                    return new OperationRegistry.Done<>("ok", "finished");
                }, OperationRegistry.PLAIN);
        ExecutionException e = assertThrows(ExecutionException.class, () -> op.result().get(10, TimeUnit.SECONDS),
                "the operation ends");
        assertTrue(e.getCause() instanceof PveqException, e.toString());
        assertEquals(OperationState.FAILED, op.state());
        assertEquals(List.of("a"), undone, "what it made is undone, since its success cannot be told");
        assertEquals(1, op.events().stream().filter(ProgressEvent::isTerminal).count());
        assertTrue(op.events().get(op.events().size() - 1) instanceof OperationFailed);
    }

    @Test
    void anUndoThrowingAnErrorKeepsNeitherTheOtherUndosNorTheEndFromHappening() {
        List<String> undone = new CopyOnWriteArrayList<>();
        var op = registry.submit(OperationKind.START, Optional.of(VmId.of(103)), Stage.STARTING_VM, ProgressListener.NONE,
                run -> {
                    run.journal().register("a", () -> {
                        undone.add("a");
                        return "undid a";
                    });
                    run.journal().register("b", () -> {
                        throw new AssertionError("b broke badly");
                    });
                    throw new IllegalStateException("boom");
                }, OperationRegistry.PLAIN);
        assertThrows(ExecutionException.class, () -> op.result().get(10, TimeUnit.SECONDS), "the operation ends");
        assertEquals(List.of("a"), undone);
        OperationFailed last = (OperationFailed) op.events().get(op.events().size() - 1);
        assertEquals(List.of("undid a", "FAILED to b (b broke badly)"), last.rolledBack());
        assertEquals(OperationState.FAILED, op.state());
    }
}
