package io.pveq.core.testing;

import java.util.Objects;

/**
 * One way in which a parameter breaks the Proxmox VE schema.
 *
 * @param parameter the parameter (or {@code parameter.key} inside a property string) at fault
 * @param message   what is wrong, for test failure messages
 */
public record SchemaViolation(String parameter, String message) {

    /** Validates. */
    public SchemaViolation {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return parameter + ": " + message;
    }
}
