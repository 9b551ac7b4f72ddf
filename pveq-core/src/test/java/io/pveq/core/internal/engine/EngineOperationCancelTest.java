package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.event.OperationKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A cancel must never interrupt the rollback that follows the work it cancelled. */
class EngineOperationCancelTest {

    /** Records, for each interrupt, whether the interrupting thread held the operation's lock. */
    private static final class Worker extends Thread {
        final List<Boolean> underLock = new CopyOnWriteArrayList<>();
        volatile Object operation;

        @Override
        public void interrupt() {
            underLock.add(Thread.holdsLock(operation));
            super.interrupt();
        }
    }

    @Test
    void cancelInterruptsTheWorkerOnlyWhileWorkEndedCannotRunBetween() {
        EngineOperation<String> op = new EngineOperation<>(OperationKind.INSTALL, Optional.empty(), Instant.EPOCH);
        Worker worker = new Worker();
        worker.operation = op;
        assertTrue(op.begin(worker));

        assertTrue(op.cancel());

        // interrupting outside the lock lets the worker end its work and start the rollback first,
        // which the late interrupt then breaks
        assertEquals(List.of(true), worker.underLock);
    }

    @Test
    void cancelAfterTheWorkEndedDoesNotInterrupt() {
        EngineOperation<String> op = new EngineOperation<>(OperationKind.INSTALL, Optional.empty(), Instant.EPOCH);
        Worker worker = new Worker();
        worker.operation = op;
        assertTrue(op.begin(worker));
        op.workEnded();

        assertTrue(op.cancel());

        assertEquals(List.of(), worker.underLock);
        assertFalse(worker.isInterrupted());
    }
}
