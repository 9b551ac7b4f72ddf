package io.pveq.core;

import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ProgressListener;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A running or finished long operation (a job): an install, start, reboot, shutdown or migration.
 * It keeps its whole event log, so a client that lost its stream can re-attach and replay
 * ({@link #subscribe}); it runs on whether or not anyone listens, until it ends or is cancelled
 * ({@link #cancel}). Thread-safe: any number of threads may subscribe, wait and cancel at once.
 *
 * <p>Event log positions are stable indexes from 0: the server can use them as SSE event ids and
 * resume after {@code Last-Event-ID}. The log always ends with exactly one terminal event
 * ({@link ProgressEvent#isTerminal()}), emitted after any rollback finished and before
 * {@link #result()} completes.
 *
 * @param <R> what the operation yields: {@link InstallResult} or {@link VmOutcome}
 */
public interface Operation<R> {

    /** @return the operation's id */
    OperationId id();

    /** @return what kind of operation this is */
    OperationKind kind();

    /** @return the VM concerned, once known (an install learns it when the VMID is claimed) */
    Optional<VmId> vmId();

    /** @return when the operation began */
    Instant startedAt();

    /** @return where the operation stands now */
    OperationState state();

    /** @return when the operation finished, once it has */
    default Optional<Instant> finishedAt() {
        return terminalEvent().map(e -> startedAt().plus(e.elapsed()));
    }

    /** @return a snapshot of the event log so far, oldest first; immutable */
    List<ProgressEvent> events();

    /** @return how many events the log holds now (cheaper than {@code events().size()} for stored operations) */
    default int eventCount() {
        return events().size();
    }

    /** @return the terminal event, once the operation has finished */
    default Optional<ProgressEvent> terminalEvent() {
        List<ProgressEvent> log = events();
        return log.isEmpty() || !log.get(log.size() - 1).isTerminal() ? Optional.empty()
                : Optional.of(log.get(log.size() - 1));
    }

    /**
     * @return true when this process runs the operation; false for one that another server instance
     *         sharing the job store runs (it can still be followed and cancelled here) or that finished
     *         in an earlier process
     */
    default boolean local() {
        return true;
    }

    /**
     * Replays the log from {@code fromIndex} and then follows it live, with no gap and no
     * duplicate between the two. Replayed events are delivered on the calling thread before this
     * method returns; later ones on the thread doing the work. The subscription ends by itself
     * after the terminal event. A {@code fromIndex} beyond the end waits for that event. Since
     * delivery has no gaps, the n-th event delivered (counting from 0) has log index
     * {@code fromIndex + n}: the server's SSE {@code id:}.
     *
     * @param fromIndex index of the first event wanted (0 for all), not negative
     * @param listener  receives the events in order; fast, never throws (see {@link ProgressListener})
     * @return a handle that stops delivery when closed (the operation itself goes on)
     */
    Subscription subscribe(int fromIndex, ProgressListener listener);

    /**
     * Asks the operation to stop and roll back everything it changed. Returns at once; the
     * rollback is reported in the event log and {@link #result()} then fails with
     * {@link OperationCancelledException}. Commands already running on a node are allowed to end
     * (or are killed) and undone; a step that cannot be interrupted finishes first.
     *
     * @return true when this call requested the cancellation; false when the operation had already
     *         finished or was already being cancelled
     */
    boolean cancel();

    /**
     * The outcome, as a fresh dependent future per call: completing or cancelling the returned
     * future does not affect the operation (use {@link #cancel()}).
     *
     * @return a future completing with the result, or exceptionally with the {@link PveqException}
     *         that ended the operation ({@link OperationCancelledException} when cancelled,
     *         {@link InstallFailedException} when an install failed, ...)
     */
    CompletableFuture<R> result();

    /**
     * The blocking form: waits for the outcome. Interrupting the waiting thread cancels the
     * operation; the call then waits (uninterruptibly) for the rollback, throws
     * {@link OperationCancelledException} and leaves the thread's interrupt flag set.
     *
     * @return the result
     * @throws PveqException the exception that ended the operation
     */
    default R await() {
        CompletableFuture<R> future = result();
        try {
            return future.get();
        } catch (InterruptedException e) {
            cancel();
            try {
                return future.join();
            } catch (CompletionException | CancellationException inner) {
                throw unwrap(inner.getCause() == null ? inner : inner.getCause());
            } finally {
                Thread.currentThread().interrupt();
            }
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new PveqException("operation failed: " + cause, cause);
    }

    /** Stops delivery of one {@link #subscribe} call. */
    interface Subscription extends AutoCloseable {
        /** Stops delivery; idempotent; never throws. Events already being delivered may still arrive. */
        @Override
        void close();
    }
}
