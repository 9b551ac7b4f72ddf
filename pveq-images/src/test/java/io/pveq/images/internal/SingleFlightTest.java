package io.pveq.images.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.ImageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One download per key; a cancelled leader does not fail the callers waiting for the same download. */
class SingleFlightTest {

    private final SingleFlight<String, Object, String> flights = new SingleFlight<>();

    @Test
    void aLeaderInterruptedMidWorkLeavesTheWaitingCallersToRunItAgain() throws Exception {
        CountDownLatch leading = new CountDownLatch(1);
        CountDownLatch joined = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Throwable> leaderEnd = new CompletableFuture<>();
        Thread leader = new Thread(() -> {
            try {
                flights.run("debian-12", Object::new, c -> { }, c -> {
                    runs.incrementAndGet();
                    leading.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        // what a file channel does when the thread writing it is interrupted
                        Thread.currentThread().interrupt();
                        throw new ImageException("cannot write debian-12.part: null",
                                new UncheckedIOException(new ClosedByInterruptException()));
                    }
                    return "never";
                });
                leaderEnd.complete(null);
            } catch (Throwable e) {
                leaderEnd.complete(e);
            }
        });
        leader.start();
        assertTrue(leading.await(10, TimeUnit.SECONDS));
        CompletableFuture<String> joiner = CompletableFuture.supplyAsync(() -> flights.run("debian-12", Object::new,
                c -> joined.countDown(), c -> {
                    runs.incrementAndGet();
                    return "image from the second run";
                }));
        assertTrue(joined.await(10, TimeUnit.SECONDS));
        leader.interrupt(); // the leading install is cancelled

        assertEquals("image from the second run", joiner.get(10, TimeUnit.SECONDS));
        assertTrue(leaderEnd.get(10, TimeUnit.SECONDS) instanceof ImageException, "the cancelled caller still fails");
        assertEquals(2, runs.get());
        assertEquals(0, flights.inFlight());
    }

    @Test
    void anOrdinaryFailureIsSharedWithTheWaitingCallers() throws Exception {
        CountDownLatch leading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch joined = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<String> leader = CompletableFuture.supplyAsync(() -> flights.run("k", Object::new, c -> { },
                c -> {
                    runs.incrementAndGet();
                    leading.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    throw new ImageException("checksum mismatch", new IOException("bad bytes"));
                }));
        assertTrue(leading.await(10, TimeUnit.SECONDS));
        CompletableFuture<Throwable> joiner = CompletableFuture.supplyAsync(() -> {
            try {
                flights.run("k", Object::new, c -> joined.countDown(), c -> "must not run");
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertTrue(joined.await(10, TimeUnit.SECONDS));
        release.countDown();
        Throwable shared = joiner.get(10, TimeUnit.SECONDS);
        assertTrue(shared instanceof ImageException && shared.getMessage().equals("checksum mismatch"), String.valueOf(shared));
        assertThrows(Exception.class, () -> leader.get(10, TimeUnit.SECONDS));
        assertEquals(1, runs.get());
    }
}
