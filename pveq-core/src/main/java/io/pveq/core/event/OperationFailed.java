package io.pveq.core.event;

import java.util.List;
import java.util.Objects;

/**
 * The operation failed or was cancelled: the last event of an unsuccessful run, emitted after any
 * rollback finished. Message e.g.
 * {@code [-] failed: VM 101 did not answer SSH within 5m; rolled back: destroyed VM 101 (after 312.40s)}
 * or {@code [-] cancelled; rolled back: destroyed VM 101 (after 8.02s)}.
 *
 * @param stage      the stage that failed or was running when the cancellation came
 * @param reason     what went wrong, for people (no secrets); not blank
 * @param cancelled  true when the caller cancelled
 * @param rolledBack what was undone, in the order undone, for people (e.g. {@code destroyed VM 101});
 *                   empty when nothing had changed
 * @param rollbackComplete false when some undo step itself failed (the reason then says what is left)
 * @param context    total elapsed time, VM and address when known
 */
public record OperationFailed(Stage stage, String reason, boolean cancelled, List<String> rolledBack,
                              boolean rollbackComplete, EventContext context) implements ProgressEvent {

    /** Validates and copies. */
    public OperationFailed {
        Objects.requireNonNull(stage, "stage");
        Json.requireText(reason, "reason");
        rolledBack = List.copyOf(rolledBack);
        Objects.requireNonNull(context, "context");
    }

    @Override
    public EventStatus status() {
        return EventStatus.ERROR;
    }

    @Override
    public String message() {
        StringBuilder m = new StringBuilder("[-] ").append(cancelled ? "cancelled: " : "failed: ").append(reason);
        if (!rolledBack.isEmpty()) {
            m.append("; rolled back: ").append(String.join(", ", rolledBack));
        }
        if (!rollbackComplete) {
            m.append("; ROLLBACK INCOMPLETE");
        }
        return m.append(" (after ").append(Json.seconds(context.elapsed())).append(')').toString();
    }

    @Override
    public boolean isTerminal() {
        return true;
    }
}
