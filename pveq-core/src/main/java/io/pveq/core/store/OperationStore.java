package io.pveq.core.store;

import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage of long operations and their rollback journals, shared by every provisioner
 * (server instance) that uses it. Each running operation is owned by one instance under a lease that
 * instance renews ({@link #renew}); once the lease has run out another instance may {@link #claim} the
 * operation and roll it back. Implementations must be thread-safe, make every method atomic, and keep a
 * write durable once the method returns (a process killed right after must find it). Methods throw an
 * unchecked exception when the store cannot be reached; the provisioner decides what that means.
 *
 * <p>Fifteen methods rather than the usual handful: each is one statement or transaction that the
 * engine needs atomically (appending an event, finishing with the terminal event and dropping the
 * journal, claiming an expired lease), and splitting them across role interfaces would only make an
 * implementation harder to get right in one place.
 */
public interface OperationStore extends AutoCloseable {

    /** Stores a new operation ({@link StoredOperation#started}). @throws RuntimeException when the id exists */
    void insert(StoredOperation operation);

    /** Records the VM an operation works on, once known (an install learns it when it claims a VMID). */
    void setVm(OperationId id, VmId vmId);

    /** Appends one event; the index must be the next one. @throws RuntimeException when that index is taken */
    void appendEvent(OperationId id, StoredEvent event);

    /** @return the events from {@code fromIndex} on, in order; empty for an unknown operation */
    List<StoredEvent> events(OperationId id, int fromIndex);

    /** Writes a journal entry, before the step it undoes runs. */
    void putJournal(OperationId id, StoredJournalEntry entry);

    /** Drops one journal entry (its step needs no undo any more); unknown entries are ignored. */
    void dropJournal(OperationId id, int seq);

    /** @return the operation's journal entries, by ascending {@code seq} */
    List<StoredJournalEntry> journal(OperationId id);

    /**
     * Ends an operation in one transaction: appends {@code terminalEvent}, sets the state, finish time,
     * result and terminal event, and discards the journal; only while {@code owner} still owns it.
     *
     * @param state a finished state
     * @return false when another instance owns the operation now (nothing was written)
     */
    boolean finish(OperationId id, String owner, OperationState state, Instant finishedAt, Optional<String> result,
                   StoredEvent terminalEvent);

    /** @return the operation, with its {@link StoredOperation#eventCount()} */
    Optional<StoredOperation> find(OperationId id);

    /** @return the newest {@code limit} operations (running and finished), newest first */
    List<StoredOperation> list(int limit);

    /** @return every running operation, whoever owns it */
    List<StoredOperation> running();

    /**
     * Extends the lease of every running operation {@code owner} owns.
     *
     * @return those operations as they stand now (a {@link StoredOperation#cancelRequested()} there means
     *         another instance asked to cancel); an operation missing from the answer is no longer
     *         {@code owner}'s
     */
    List<StoredOperation> renew(String owner, Instant until);

    /**
     * Takes over a running operation whose lease ran out before {@code now}, or one {@code owner} owned
     * already (its own previous process). Atomic: of several instances claiming at once, one wins.
     *
     * @return true when {@code owner} owns it now, with the lease until {@code until}
     */
    boolean claim(OperationId id, String owner, Instant now, Instant until);

    /** @return true when this call marked a running operation for cancellation */
    boolean requestCancel(OperationId id);

    /**
     * Deletes finished operations (with their events) that finished before {@code finishedBefore}, and
     * beyond the newest {@code keep} finished ones.
     *
     * @return how many were deleted
     */
    int purge(Instant finishedBefore, int keep);

    /** Releases connections; the data stays. The default does nothing. */
    @Override
    default void close() {
    }
}
