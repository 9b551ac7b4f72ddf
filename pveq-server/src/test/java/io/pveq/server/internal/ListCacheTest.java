package io.pveq.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ListCacheTest {

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void servesTheSameBodyUntilItAgesOrIsInvalidated() {
        AtomicInteger reads = new AtomicInteger();
        ManualClock clock = new ManualClock();
        ListCache cache = new ListCache(() -> new byte[] {(byte) reads.incrementAndGet()}, Duration.ofSeconds(1), clock);
        assertArrayEquals(new byte[] {1}, cache.get());
        clock.now = clock.now.plusMillis(999);
        assertArrayEquals(new byte[] {1}, cache.get());
        clock.now = clock.now.plusMillis(1);
        assertArrayEquals(new byte[] {1}, cache.get(), "stale but young enough: served while a refresh runs");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (reads.get() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(2, reads.get(), "one background refresh");
        clock.now = clock.now.plusMillis(2000);
        assertArrayEquals(new byte[] {3}, cache.get(), "too old to serve: read before answering");
        cache.invalidate();
        assertArrayEquals(new byte[] {4}, cache.get(), "invalidated");
        assertEquals(4, reads.get());
    }

    @Test
    void concurrentRequestsShareOneReadEvenWithoutCaching() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ListCache cache = new ListCache(() -> {
            reads.incrementAndGet();
            reading.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[] {42};
        }, Duration.ZERO, new ManualClock());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<byte[]>> results = new ArrayList<>();
        results.add(pool.submit(cache::get));
        reading.await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 7; i++) {
            results.add(pool.submit(cache::get));
        }
        Thread.sleep(100); // the 7 join the flight in progress; if they started their own, reads would exceed 1
        release.countDown();
        for (Future<byte[]> f : results) {
            assertArrayEquals(new byte[] {42}, f.get(10, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals(1, reads.get());
        cache.get();
        assertEquals(2, reads.get(), "with a zero age the next request reads again");
    }

    @Test
    void aFailedReadIsRethrownAndRetried() {
        AtomicInteger reads = new AtomicInteger();
        ListCache cache = new ListCache(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new IllegalStateException("cluster down");
            }
            return new byte[] {7};
        }, Duration.ofSeconds(1), new ManualClock());
        assertThrows(IllegalStateException.class, cache::get);
        assertArrayEquals(new byte[] {7}, cache.get());
    }
}
