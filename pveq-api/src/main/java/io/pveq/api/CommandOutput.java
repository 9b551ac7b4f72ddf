package io.pveq.api;

import java.util.List;
import java.util.Objects;

/**
 * What a command run through a terminal proxy printed and how it ended. A terminal mixes standard output
 * and standard error: both are in {@link #lines()}, in the order the terminal showed them.
 *
 * @param lines      the output, line by line, without line endings or terminal escape sequences
 * @param exitStatus the shell's {@code $?} after the command (127: not found, 130: interrupted)
 */
public record CommandOutput(List<String> lines, int exitStatus) {

    /** Copies. */
    public CommandOutput {
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
    }

    /** @return the lines joined with {@code \n}, a last {@code \n} included when there is any line */
    public String text() {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
