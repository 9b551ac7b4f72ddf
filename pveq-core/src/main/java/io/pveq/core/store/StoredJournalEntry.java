package io.pveq.core.store;

import java.util.Objects;

/**
 * One entry of an operation's rollback journal: how to undo a step that changed the cluster, written
 * before that step runs.
 *
 * @param seq  its number within the operation, ascending in the order registered (undone newest first)
 * @param json the undo as pveq-core encoded it (what to destroy, where); kept verbatim; never secrets
 */
public record StoredJournalEntry(int seq, String json) {

    /** Validates. */
    public StoredJournalEntry {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative, got " + seq);
        }
        Objects.requireNonNull(json, "json");
    }
}
