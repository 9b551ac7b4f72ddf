package io.pveq.core.event;

import java.util.Objects;

/**
 * One try to reach a VM over SSH while waiting for it. Message e.g.
 * {@code [*] SSH attempt 3: connection refused}.
 *
 * @param stage   the stage ({@link Stage#WAITING_FOR_READY}, {@link Stage#WAITING_FOR_SSH}, ...)
 * @param attempt 1 for the first try
 * @param outcome what the try saw, for people; not blank
 * @param context elapsed time, VM and address when known
 */
public record ReadinessAttempt(Stage stage, int attempt, String outcome, EventContext context) implements ProgressEvent {

    /** Validates. */
    public ReadinessAttempt {
        Objects.requireNonNull(stage, "stage");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
        }
        Json.requireText(outcome, "outcome");
        Objects.requireNonNull(context, "context");
    }

    @Override
    public EventStatus status() {
        return EventStatus.PROCESSING;
    }

    @Override
    public String message() {
        return "[*] SSH attempt " + attempt + ": " + outcome;
    }
}
