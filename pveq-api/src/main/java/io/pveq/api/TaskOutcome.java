package io.pveq.api;

import java.util.Objects;

/**
 * How a finished task ended, from its {@code exitstatus}: {@code OK}, {@code WARNINGS: n}, or the
 * error text.
 */
public sealed interface TaskOutcome permits TaskOutcome.Succeeded, TaskOutcome.SucceededWithWarnings,
        TaskOutcome.Failed {

    /**
     * @param exitStatus the task's {@code exitstatus}
     * @return the outcome it stands for
     */
    static TaskOutcome of(String exitStatus) {
        String text = Objects.requireNonNull(exitStatus, "exitStatus").strip();
        if (text.equals("OK")) {
            return new Succeeded();
        }
        if (text.startsWith("WARNINGS: ")) {
            try {
                return new SucceededWithWarnings(Integer.parseInt(text.substring(10).strip()));
            } catch (NumberFormatException e) {
                return new Failed(text);
            }
        }
        return new Failed(text);
    }

    /** @return true for both kinds of success */
    default boolean succeeded() {
        return !(this instanceof Failed);
    }

    /** {@code OK}. */
    record Succeeded() implements TaskOutcome {
        /** @return {@code OK}, as Proxmox writes it */
        @Override
        public String toString() {
            return "OK";
        }
    }

    /**
     * {@code WARNINGS: n}: done, with {@code n} warnings in the log.
     *
     * @param warnings how many
     */
    record SucceededWithWarnings(int warnings) implements TaskOutcome {
        /** @return {@code WARNINGS: n}, as Proxmox writes it */
        @Override
        public String toString() {
            return "WARNINGS: " + warnings;
        }
    }

    /**
     * Any other exit status: the error text, e.g. {@code start failed: QEMU exited with code 1}.
     *
     * @param error the text
     */
    record Failed(String error) implements TaskOutcome {
        /** Validates. */
        public Failed {
            Objects.requireNonNull(error, "error");
        }

        /** @return the error text, as Proxmox writes it */
        @Override
        public String toString() {
            return error;
        }
    }
}
