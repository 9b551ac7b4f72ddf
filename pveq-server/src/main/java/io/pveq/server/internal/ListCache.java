package io.pveq.server.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The body of {@code GET /api/vm/list}, shared between requests: a body younger than
 * {@code maxAge} is served as is, and concurrent requests that need a fresh one share a single
 * cluster read (single flight) instead of each reading the cluster. Proxmox's own
 * {@code /cluster/resources} is refreshed by pvestatd only every few seconds, so a short
 * {@code maxAge} (default 1 s, {@code LIST_CACHE_MS}) loses nothing. Between {@code maxAge} and
 * twice that age the old body is still served while one background read refreshes it (stale while
 * revalidate), so requests never queue behind a cluster read once the cache is warm; older bodies
 * are never served. {@link #invalidate()} (called after every change made through this server)
 * drops the body, so the server's own changes show at once. Thread-safe.
 */
public final class ListCache {

    private record Entry(byte[] body, Instant readAt) {
    }

    private final Supplier<byte[]> reader;
    private final Duration maxAge;
    private final Clock clock;
    private Entry current;
    private CompletableFuture<Entry> inFlight;
    private long generation;
    private final java.util.concurrent.Executor background;

    /**
     * @param reader reads the cluster and renders the body; may throw
     * @param maxAge how long a body may be served; zero: only concurrent requests share a read
     * @param clock  time source
     */
    public ListCache(Supplier<byte[]> reader, Duration maxAge, Clock clock) {
        this.reader = reader;
        this.maxAge = maxAge;
        this.clock = clock;
        this.background = task -> {
            Thread t = new Thread(task, "pveq-list-refresh");
            t.setDaemon(true);
            t.start();
        };
    }

    /**
     * @return a body no older than {@code maxAge} (or, with a zero age, read after this call began or
     *         concurrently with it)
     * @throws RuntimeException whatever the read threw (the next call tries again)
     */
    public byte[] get() {
        CompletableFuture<Entry> flight;
        boolean mine = false;
        synchronized (this) {
            Entry e = current;
            Duration age = e == null ? null : Duration.between(e.readAt(), clock.instant());
            if (e != null && !maxAge.isZero() && age.compareTo(maxAge) < 0) {
                return e.body();
            }
            if (e != null && !maxAge.isZero() && age.compareTo(maxAge.multipliedBy(2)) < 0) {
                if (inFlight == null) {
                    CompletableFuture<Entry> refresh = new CompletableFuture<>();
                    inFlight = refresh;
                    background.execute(() -> read(refresh));
                }
                return e.body();
            }
            if (inFlight == null) {
                inFlight = new CompletableFuture<>();
                mine = true;
            }
            flight = inFlight;
        }
        if (mine) {
            read(flight);
        }
        try {
            return flight.join().body();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void read(CompletableFuture<Entry> flight) {
        long gen;
        synchronized (this) {
            gen = generation;
        }
        Instant started = clock.instant();
        try {
            Entry e = new Entry(reader.get(), started);
            synchronized (this) {
                if (generation == gen) {
                    current = e;
                }
                inFlight = null;
            }
            flight.complete(e);
        } catch (RuntimeException | Error err) {
            synchronized (this) {
                inFlight = null;
            }
            flight.completeExceptionally(err);
        }
    }

    /** Forgets the cached body: the next request reads the cluster. */
    public synchronized void invalidate() {
        current = null;
        generation++;
    }
}
