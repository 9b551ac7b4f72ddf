package io.pveq.core.event;

import java.util.Objects;

/**
 * A stage began. Message: {@code [*] <summary>}, e.g. {@code [*] start downloading OS image}.
 *
 * @param stage   the stage
 * @param summary what is starting, for people; not blank
 * @param context elapsed time, VM and address when known
 */
public record StageStarted(Stage stage, String summary, EventContext context) implements ProgressEvent {

    /** Validates. */
    public StageStarted {
        Objects.requireNonNull(stage, "stage");
        Json.requireText(summary, "summary");
        Objects.requireNonNull(context, "context");
    }

    @Override
    public EventStatus status() {
        return EventStatus.PROCESSING;
    }

    @Override
    public String message() {
        return "[*] " + summary;
    }
}
