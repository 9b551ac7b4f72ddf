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
 * {@code maxAge} (default 1 s, {@code LIST_CACHE_MS}) loses nothing; {@link #invalidate()} (called
 * after every change made through this server) keeps the server's own changes visible at once.
 * Thread-safe.
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

    /**
     * @param reader reads the cluster and renders the body; may throw
     * @param maxAge how long a body may be served; zero: only concurrent requests share a read
     * @param clock  time source
     */
    public ListCache(Supplier<byte[]> reader, Duration maxAge, Clock clock) {
        this.reader = reader;
        this.maxAge = maxAge;
        this.clock = clock;
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
            if (e != null && !maxAge.isZero() && Duration.between(e.readAt(), clock.instant()).compareTo(maxAge) < 0) {
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
