package io.pveq.core;

import io.pveq.core.event.Stage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An install failed at one stage and was rolled back. The cause is the failure itself (an
 * {@link ImageException}, {@link GuestAccessException}, {@link CommandFailedException}, ...).
 * {@link #rollbackComplete()} false means some undo step failed too: the message then says what
 * may be left behind (the server answers it as an error event either way).
 */
public class InstallFailedException extends PveqException {

    private final Stage stage;
    private final VmId vmId; // null when not claimed; Optional is not serializable
    private final List<String> rolledBack;
    private final boolean rollbackComplete;

    /**
     * @param stage            the stage that failed
     * @param vmId             the VM, if the VMID had been claimed
     * @param rolledBack       what was undone, in order, for people (e.g. {@code destroyed VM 101})
     * @param rollbackComplete false when an undo step failed
     * @param cause            the failure; its message must hold no secrets
     */
    public InstallFailedException(Stage stage, Optional<VmId> vmId, List<String> rolledBack, boolean rollbackComplete,
                                  Throwable cause) {
        super("install failed at '" + Objects.requireNonNull(stage, "stage").label() + "'"
                + vmId.map(id -> " (VM " + id + ")").orElse("") + ": " + Objects.requireNonNull(cause, "cause").getMessage()
                + (rolledBack.isEmpty() ? "" : "; rolled back: " + String.join(", ", rolledBack))
                + (rollbackComplete ? "" : "; ROLLBACK INCOMPLETE"), cause);
        this.stage = stage;
        this.vmId = vmId.orElse(null);
        this.rolledBack = List.copyOf(rolledBack);
        this.rollbackComplete = rollbackComplete;
    }

    /** @return the stage that failed */
    public Stage stage() {
        return stage;
    }

    /** @return the VM, if the VMID had been claimed */
    public Optional<VmId> vmId() {
        return Optional.ofNullable(vmId);
    }

    /** @return what was undone, in order */
    public List<String> rolledBack() {
        return rolledBack;
    }

    /** @return false when some undo step failed and something may be left behind */
    public boolean rollbackComplete() {
        return rollbackComplete;
    }
}
