package io.pveq.core.event;

import java.util.Objects;

/**
 * The operation finished well: the last event of a successful run, always with the VM id and,
 * when the VM has one, its address. Message: {@code [+] <summary> in <elapsed>s}, e.g.
 * {@code [+] VM installation completed in 67.83s}.
 *
 * @param stage   the operation's last stage (e.g. {@link Stage#FINALIZING_INSTALL})
 * @param summary what was achieved, for people; not blank
 * @param context total elapsed time, the VM (required) and its address
 */
public record OperationSucceeded(Stage stage, String summary, EventContext context) implements ProgressEvent {

    /** Validates; the context must name the VM. */
    public OperationSucceeded {
        Objects.requireNonNull(stage, "stage");
        Json.requireText(summary, "summary");
        Objects.requireNonNull(context, "context");
        if (context.vmId().isEmpty()) {
            throw new IllegalArgumentException("the final success event must carry the VM id");
        }
    }

    @Override
    public EventStatus status() {
        return EventStatus.SUCCESS;
    }

    @Override
    public String message() {
        return "[+] " + summary + " in " + Json.seconds(context.elapsed());
    }

    @Override
    public boolean isTerminal() {
        return true;
    }
}
