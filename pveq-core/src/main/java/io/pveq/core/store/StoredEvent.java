package io.pveq.core.store;

import java.util.Objects;

/**
 * One event of an operation's log.
 *
 * @param index its position in the log, from 0 (the SSE event id)
 * @param json  the event as pveq-core encoded it; kept verbatim
 */
public record StoredEvent(int index, String json) {

    /** Validates. */
    public StoredEvent {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative, got " + index);
        }
        Objects.requireNonNull(json, "json");
    }
}
