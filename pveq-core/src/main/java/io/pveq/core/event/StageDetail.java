package io.pveq.core.event;

import java.util.Objects;

/**
 * A line of detail inside a stage: a command's output line, a fact found ({@code [*] IP: 192.168.0.101}).
 * The message is the text as given.
 *
 * @param stage   the stage
 * @param status  {@link EventStatus#PROCESSING}, or {@link EventStatus#SUCCESS} for facts reported
 *                after a success (never {@link EventStatus#ERROR}: failures are {@link StageFailed})
 * @param text    the line, for people; not blank; secrets must already be removed
 * @param context elapsed time, VM and address when known
 */
public record StageDetail(Stage stage, EventStatus status, String text, EventContext context) implements ProgressEvent {

    /** Validates. */
    public StageDetail {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(status, "status");
        if (status == EventStatus.ERROR) {
            throw new IllegalArgumentException("a detail line cannot have status error; use StageFailed");
        }
        Json.requireText(text, "text");
        Objects.requireNonNull(context, "context");
    }

    /** @return a {@link EventStatus#PROCESSING} detail line */
    public static StageDetail of(Stage stage, String text, EventContext context) {
        return new StageDetail(stage, EventStatus.PROCESSING, text, context);
    }

    @Override
    public String message() {
        return text;
    }
}
