package io.pveq.core.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The undo log of one operation: every step that changed the cluster (or took a resource) registers
 * how to undo it; on failure or cancellation {@link #rollback} runs the undos newest first. An undo
 * that fails does not stop the others; the outcome says which ones failed. Steps that change the
 * cluster register as {@link #registerDurable data}: with a job store the entry is written there before
 * this method returns, that is before the step runs, so a restart can still undo it. Used by one
 * operation thread at a time (synchronized anyway, so a cancelling thread may inspect it).
 */
public final class RollbackJournal {

    private static final Logger LOG = LoggerFactory.getLogger(RollbackJournal.class);

    /** One way to undo a step. */
    @FunctionalInterface
    public interface Undo {
        /**
         * Undoes the step.
         *
         * @return what was done, for people (e.g. {@code destroyed VM 101 on pve2}); empty text when
         *         nothing needed doing (the entry is then left out of the report)
         */
        String undo();
    }

    /** Where durable entries are written (the job store); writes throw when the store cannot take them. */
    interface Sink {
        /** Does nothing: no job store. */
        Sink NONE = new Sink() {
            @Override
            public void put(int seq, JournalStep step) {
            }

            @Override
            public void drop(int seq) {
            }
        };

        void put(int seq, JournalStep step);

        void drop(int seq);
    }

    /**
     * What a rollback did.
     *
     * @param done     what was undone, in the order undone
     * @param failures what could not be undone, with the reason
     */
    public record Outcome(List<String> done, List<String> failures) {
        /** Copies. */
        public Outcome {
            done = List.copyOf(done);
            failures = List.copyOf(failures);
        }

        /** @return true when every undo succeeded */
        public boolean complete() {
            return failures.isEmpty();
        }

        /** @return {@link #done} followed by the failures marked as such */
        public List<String> report() {
            List<String> all = new ArrayList<>(done);
            failures.forEach(f -> all.add("FAILED to " + f));
            return all;
        }
    }

    private record Entry(String label, Undo undo, int seq) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Sink sink;
    private int nextSeq;

    /** A journal kept in memory only. */
    public RollbackJournal() {
        this(Sink.NONE);
    }

    RollbackJournal(Sink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Registers an undo kept in memory only (a reservation, a temporary file: nothing a restart needs to undo).
     *
     * @param label what the undo would do, for people (e.g. {@code release the VMID}); used when it fails
     * @param undo  the undo
     * @return a handle to drop the entry when the step's effect no longer needs undoing
     */
    public synchronized Registration register(String label, Undo undo) {
        Entry entry = new Entry(Objects.requireNonNull(label, "label"), Objects.requireNonNull(undo, "undo"), -1);
        entries.add(entry);
        return () -> remove(entry);
    }

    /**
     * Registers the undo of a step that changes the cluster, writing it to the job store first.
     *
     * @param step what the step changes, as data a later process can undo
     * @param undo how this process undoes it (the same as {@link JournalActions#undo} of {@code step})
     * @return a handle to drop the entry
     * @throws RuntimeException when the job store cannot take the entry: the step must not run
     */
    synchronized Registration registerDurable(JournalStep step, Undo undo) {
        int seq = nextSeq++;
        sink.put(seq, step);
        Entry entry = new Entry(step.label(), Objects.requireNonNull(undo, "undo"), seq);
        entries.add(entry);
        return () -> remove(entry);
    }

    /** Adds an entry read back from the job store (recovery), under its stored number. */
    synchronized void restore(int seq, JournalStep step, Undo undo) {
        entries.add(new Entry(step.label(), undo, seq));
        nextSeq = Math.max(nextSeq, seq + 1);
    }

    private void remove(Entry entry) {
        boolean removed;
        synchronized (this) {
            removed = entries.remove(entry);
        }
        if (removed && entry.seq() >= 0) {
            try {
                sink.drop(entry.seq());
            } catch (RuntimeException e) {
                // a stale entry only means a later recovery looks at a VM it need not: harmless
                LOG.warn("could not drop journal entry '{}' from the job store: {}", entry.label(), e.toString());
            }
        }
    }

    /** @return how many undos are registered */
    public synchronized int size() {
        return entries.size();
    }

    /**
     * Forgets every entry: the operation succeeded and keeps what it made. Durable entries stay in the
     * job store until the operation's success is stored with them dropped in the same transaction.
     */
    public synchronized void commit() {
        entries.clear();
    }

    /**
     * Runs every undo, newest first, and forgets them (durable entries go from the store when the
     * operation's failure is stored).
     *
     * @return what was undone and what failed
     */
    public Outcome rollback() {
        List<Entry> todo;
        synchronized (this) {
            todo = new ArrayList<>(entries);
            entries.clear();
        }
        List<String> done = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = todo.size() - 1; i >= 0; i--) {
            Entry entry = todo.get(i);
            try {
                String what = entry.undo().undo();
                if (what != null && !what.isBlank()) {
                    done.add(what);
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                // an undo that breaks (even with an Error) must not keep the others from running
                LOG.warn("rollback step '{}' failed", entry.label(), e);
                failures.add(entry.label() + " (" + e.getMessage() + ")");
            }
        }
        return new Outcome(done, failures);
    }

    /** Removes one registered undo. */
    @FunctionalInterface
    public interface Registration {
        /** Drops the entry; idempotent. */
        void drop();
    }
}
