package io.pveq.core.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The undo log of one operation: every step that changed the cluster (or took a resource) registers
 * how to undo it; on failure or cancellation {@link #rollback} runs the undos newest first. An undo
 * that fails does not stop the others; the outcome says which ones failed. Used by one operation
 * thread at a time (synchronized anyway, so a cancelling thread may inspect it).
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

    private record Entry(String label, Undo undo) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /**
     * Registers an undo.
     *
     * @param label what the undo would do, for people (e.g. {@code destroy VM 101}); used when it fails
     * @param undo  the undo
     * @return a handle to drop the entry when the step's effect no longer needs undoing
     */
    public synchronized Registration register(String label, Undo undo) {
        Entry entry = new Entry(Objects.requireNonNull(label, "label"), Objects.requireNonNull(undo, "undo"));
        entries.add(entry);
        return () -> {
            synchronized (RollbackJournal.this) {
                entries.remove(entry);
            }
        };
    }

    /** @return how many undos are registered */
    public synchronized int size() {
        return entries.size();
    }

    /** Forgets every entry: the operation succeeded and keeps what it made. */
    public synchronized void commit() {
        entries.clear();
    }

    /**
     * Runs every undo, newest first, and forgets them.
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
            } catch (RuntimeException e) {
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
