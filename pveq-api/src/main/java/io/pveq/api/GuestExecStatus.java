package io.pveq.api;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A command started with {@link GuestAgentApi#exec}, as the agent reports it
 * ({@code GET .../agent/exec-status}).
 *
 * @param exited       whether it has ended
 * @param exitCode     its exit code, once ended normally
 * @param signal       the signal that ended it, if one did
 * @param stdout       what it wrote to standard output (decoded)
 * @param stderr       what it wrote to standard error (decoded)
 * @param truncated    true when the agent cut either output
 */
public record GuestExecStatus(boolean exited, OptionalInt exitCode, OptionalInt signal, String stdout, String stderr,
                              boolean truncated) {

    /** Validates. */
    public GuestExecStatus {
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }
}
