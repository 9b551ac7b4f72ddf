package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The default methods of {@link Operation} and {@link Operations}. */
class OperationTest {

    /** Completes when the test says; cancel fails it with OperationCancelledException. */
    private static final class FakeOperation implements Operation<String> {
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        final OperationId id = OperationId.random();
        int cancels;

        @Override
        public OperationId id() {
            return id;
        }

        @Override
        public OperationKind kind() {
            return OperationKind.START;
        }

        @Override
        public Optional<VmId> vmId() {
            return Optional.of(VmId.of(101));
        }

        @Override
        public Instant startedAt() {
            return Instant.EPOCH;
        }

        @Override
        public OperationState state() {
            return outcome.isDone() ? OperationState.SUCCEEDED : OperationState.RUNNING;
        }

        @Override
        public List<ProgressEvent> events() {
            return List.of();
        }

        @Override
        public Subscription subscribe(int fromIndex, ProgressListener listener) {
            return () -> { };
        }

        @Override
        public boolean cancel() {
            cancels++;
            return outcome.completeExceptionally(new OperationCancelledException("cancelled; rolled back: nothing"));
        }

        @Override
        public CompletableFuture<String> result() {
            return outcome.copy();
        }
    }

    @Test
    void awaitReturnsTheResult() {
        FakeOperation op = new FakeOperation();
        op.outcome.complete("done");
        assertEquals("done", op.await());
    }

    @Test
    void awaitRethrowsThePveqExceptionUnwrapped() {
        FakeOperation op = new FakeOperation();
        InstallFailedException failure = new InstallFailedException(Stage.CREATING_VM, Optional.empty(), List.of(), true,
                new StorageException("local-zfs", "storage 'local-zfs' is full"));
        op.outcome.completeExceptionally(failure);
        assertSame(failure, assertThrows(InstallFailedException.class, op::await));
    }

    @Test
    void awaitWrapsACheckedCauseInPveqException() {
        FakeOperation op = new FakeOperation();
        op.outcome.completeExceptionally(new IOException("disk gone"));
        PveqException e = assertThrows(PveqException.class, op::await);
        assertTrue(e.getCause() instanceof IOException);
    }

    @Test
    void interruptingAwaitCancelsAndKeepsTheInterruptFlag() {
        FakeOperation op = new FakeOperation();
        Thread.currentThread().interrupt();
        assertThrows(OperationCancelledException.class, op::await);
        assertTrue(Thread.interrupted(), "interrupt flag restored (and cleared here)");
        assertEquals(1, op.cancels);
    }

    @Test
    void operationsCancelFindsAndCancels() {
        FakeOperation op = new FakeOperation();
        Operations ops = new Operations() {
            @Override
            public List<Operation<?>> list() {
                return List.of(op);
            }

            @Override
            public Optional<Operation<?>> find(OperationId id) {
                return id.equals(op.id()) ? Optional.of(op) : Optional.empty();
            }

            @Override
            public Optional<Operation<?>> runningFor(VmId vmId) {
                return Optional.empty();
            }
        };
        assertFalse(ops.cancel(OperationId.random()));
        assertTrue(ops.cancel(op.id()));
        assertFalse(ops.cancel(op.id()), "second cancel does nothing");
    }

    @Test
    void operationIdsAreUrlSafe() {
        OperationId id = OperationId.random();
        assertEquals(id, OperationId.parse(id.value()));
        assertEquals("operation", assertThrows(InvalidSpecException.class, () -> OperationId.parse("../etc")).field());
        assertEquals("operation", assertThrows(InvalidSpecException.class, () -> OperationId.parse("short")).field());
        assertEquals("operation", assertThrows(InvalidSpecException.class, () -> OperationId.parse(null)).field());
    }

    @Test
    void installFailureNamesStageVmAndRollback() {
        InstallFailedException e = new InstallFailedException(Stage.WAITING_FOR_READY, Optional.of(VmId.of(101)),
                List.of("stopped VM 101", "destroyed VM 101"), true, new GuestAccessException("no SSH after 5m"));
        assertEquals("install failed at 'VM initialization > waiting for ready' (VM 101): no SSH after 5m;"
                + " rolled back: stopped VM 101, destroyed VM 101", e.getMessage());
        assertEquals(Optional.of(VmId.of(101)), e.vmId());
        assertEquals(Stage.WAITING_FOR_READY, e.stage());
        assertTrue(e.getCause() instanceof GuestAccessException);
        assertTrue(new InstallFailedException(Stage.CREATING_VM, Optional.empty(), List.of(), false,
                new PveqException("x")).getMessage().endsWith("ROLLBACK INCOMPLETE"));
    }

    @Test
    void outcomeRecordsValidate() {
        assertThrows(NullPointerException.class,
                () -> new VmOutcome(VmId.of(101), null, VmStatus.RUNNING, Optional.empty(), Duration.ZERO));
    }
}
