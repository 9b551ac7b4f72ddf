package io.pveq.core.event;

import java.time.Duration;
import java.util.Objects;

/**
 * A stage failed. Message: {@code [-] <reason> (<took>s)}. An {@link OperationFailed} follows
 * (after the {@link Stage#ROLLING_BACK} stage when something had to be undone).
 *
 * @param stage   the stage
 * @param reason  what went wrong, for people (an exception message: no secrets); not blank
 * @param took    how long the stage ran, not negative
 * @param context elapsed time, VM and address when known
 */
public record StageFailed(Stage stage, String reason, Duration took, EventContext context) implements ProgressEvent {

    /** Validates. */
    public StageFailed {
        Objects.requireNonNull(stage, "stage");
        Json.requireText(reason, "reason");
        Json.requireNonNegative(took, "took");
        Objects.requireNonNull(context, "context");
    }

    @Override
    public EventStatus status() {
        return EventStatus.ERROR;
    }

    @Override
    public String message() {
        return "[-] " + reason + " (" + Json.seconds(took) + ")";
    }
}
