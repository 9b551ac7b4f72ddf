package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pveq.core.CommandFailedException;
import io.pveq.core.LockTimeoutException;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.VmId;
import io.pveq.core.VmLockedException;
import io.pveq.core.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Retry retry = new Retry(4, Duration.ofMillis(500), Duration.ofSeconds(1), sleeps::add);

    private static java.util.function.Supplier<String> failing(int times, RuntimeException e) {
        AtomicInteger calls = new AtomicInteger();
        return () -> {
            if (calls.incrementAndGet() <= times) {
                throw e;
            }
            return "done";
        };
    }

    @Test
    void lockTimeoutsAreRetriedWithCappedDoublingWaits() {
        assertEquals("done", retry.call("x", failing(3, new LockTimeoutException(VmId.of(100)))));
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1)), sleeps);
    }

    @Test
    void aConfigLockFailsAtOnce() {
        for (String lock : List.of("backup", "migrate", "create", "snapshot")) {
            VmLockedException e = assertThrows(VmLockedException.class,
                    () -> retry.call("x", failing(1, new VmLockedException(VmId.of(100), lock))));
            assertEquals(lock, e.lock());
        }
        assertEquals(List.of(), sleeps);
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        assertThrows(LockTimeoutException.class, () -> retry.call("x", failing(4, new LockTimeoutException(VmId.of(100)))));
        assertEquals(3, sleeps.size());
    }

    @Test
    void otherFailuresAreNotRetried() {
        assertThrows(CommandFailedException.class, () -> retry.call("x",
                failing(1, new CommandFailedException("pve1", "qm set", 255, "bad"))));
        assertThrows(TransportException.class, () -> retry.call("x", failing(1, new TransportException("lost"))),
                "a command that may have run is not repeated");
        assertEquals(List.of(), sleeps);
    }

    @Test
    void readsAreRetriedAfterALostConnection() {
        assertEquals("done", retry.read("qm status", failing(1, new TransportException("connection reset"))));
        assertEquals(1, sleeps.size());
    }

    @Test
    void anInterruptWhileWaitingCancels() {
        Retry interrupted = new Retry(3, Duration.ofMillis(1), Duration.ofMillis(1), d -> {
            throw new InterruptedException();
        });
        assertThrows(OperationCancelledException.class,
                () -> interrupted.call("x", failing(1, new LockTimeoutException(VmId.of(100)))));
        assertEquals(true, Thread.interrupted(), "the interrupt flag stays set");
    }
}
