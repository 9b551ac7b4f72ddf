package io.pveq.core.internal.cluster;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A command started in a guest through the QEMU guest agent, as the agent reports it.
 *
 * @param exited   whether it has ended
 * @param exitCode its exit code once ended
 * @param stdout   its standard output (complete once ended)
 * @param stderr   its standard error
 */
public record AgentExec(boolean exited, OptionalInt exitCode, String stdout, String stderr) {

    /** Validates. */
    public AgentExec {
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }
}
