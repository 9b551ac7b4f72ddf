package io.pveq.images.internal;

import io.pveq.core.ImageException;
import io.pveq.core.PveqException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs at most one operation per key at a time: the first caller runs it on its own thread, callers
 * arriving meanwhile wait for and share its result (or its failure). A failure that is the leader's own
 * interruption (its caller was cancelled) is not shared: the waiting callers run the operation again, one
 * of them leading, so cancelling one install never fails the others that wait for the same download.
 * Thread-safe.
 *
 * @param <K> key type
 * @param <C> the per-flight context joiners attach to (e.g. a progress fan-out)
 * @param <V> result type
 */
public final class SingleFlight<K, C, V> {

    private final Map<K, Flight<C, V>> flights = new ConcurrentHashMap<>();

    private record Flight<C, V>(C context, CompletableFuture<V> result) {
    }

    /**
     * @param key     identifies the operation
     * @param context creates the flight's context when this caller leads
     * @param join    called with the context by every caller (leader included) before waiting
     * @param work    the operation, given the context; run only by the leader
     * @return the shared result
     * @throws PveqException the operation's own exception (also for joiners)
     */
    public V run(K key, Supplier<C> context, Consumer<C> join, java.util.function.Function<C, V> work) {
        while (true) {
            Flight<C, V> mine = new Flight<>(context.get(), new CompletableFuture<>());
            Flight<C, V> current = flights.putIfAbsent(key, mine);
            if (current != null) {
                join.accept(current.context());
                try {
                    return await(current.result());
                } catch (LeaderInterrupted e) {
                    flights.remove(key, current); // the leader may not have removed it yet
                    continue;
                }
            }
            join.accept(mine.context());
            try {
                V value = work.apply(mine.context());
                mine.result().complete(value);
                return value;
            } catch (RuntimeException | Error e) {
                mine.result().completeExceptionally(interrupted(e) ? new LeaderInterrupted(e) : e);
                throw e;
            } finally {
                flights.remove(key, mine);
            }
        }
    }

    /** What joiners get when the leader failed because its own thread was interrupted: run it again. */
    private static final class LeaderInterrupted extends RuntimeException {
        LeaderInterrupted(Throwable cause) {
            super("the leading caller was interrupted", cause, false, false);
        }
    }

    private static boolean interrupted(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException
                    || t instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    /** @return how many operations are running */
    public int inFlight() {
        return flights.size();
    }

    private static <V> V await(CompletableFuture<V> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("interrupted while waiting for a shared download", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LeaderInterrupted again) {
                throw again;
            }
            if (cause instanceof ImageException image) {
                throw new ImageException(image.getMessage(), image);
            }
            if (cause instanceof PveqException pveq) {
                throw pveq;
            }
            throw new ImageException(String.valueOf(cause.getMessage()), cause);
        }
    }
}
