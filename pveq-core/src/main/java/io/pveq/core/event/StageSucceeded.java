package io.pveq.core.event;

import java.time.Duration;
import java.util.Objects;

/**
 * A stage finished well. Message: {@code [+] <summary> (<took>s)}, e.g.
 * {@code [+] VM created successfully (2.45s)}.
 *
 * @param stage   the stage
 * @param summary what was achieved, for people; not blank
 * @param took    how long the stage ran, not negative
 * @param context elapsed time, VM and address when known
 */
public record StageSucceeded(Stage stage, String summary, Duration took, EventContext context) implements ProgressEvent {

    /** Validates. */
    public StageSucceeded {
        Objects.requireNonNull(stage, "stage");
        Json.requireText(summary, "summary");
        Json.requireNonNegative(took, "took");
        Objects.requireNonNull(context, "context");
    }

    @Override
    public EventStatus status() {
        return EventStatus.SUCCESS;
    }

    @Override
    public String message() {
        return "[+] " + summary + " (" + Json.seconds(took) + ")";
    }
}
