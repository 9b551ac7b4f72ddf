package io.pveq.core.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a finished command produced. A non-zero exit code is a normal result, not an exception.
 *
 * @param displayArgv the command as shown to people (secrets hidden)
 * @param exitCode    the exit status, 0 to 255
 * @param stdout      standard output decoded as UTF-8, never null
 * @param stderr      standard error decoded as UTF-8, never null
 * @param duration    wall-clock time from start to exit
 */
public record CommandResult(List<String> displayArgv, int exitCode, String stdout, String stderr, Duration duration) {

    /** Validates and copies. */
    public CommandResult {
        displayArgv = List.copyOf(displayArgv);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
    }

    /** @return true when the exit code is 0 */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** @return at most the last {@code maxChars} characters of stderr, trimmed, for error messages */
    public String stderrTail(int maxChars) {
        String trimmed = stderr.strip();
        return trimmed.length() <= maxChars ? trimmed : "..." + trimmed.substring(trimmed.length() - maxChars);
    }

    @Override
    public String toString() {
        return "CommandResult[" + String.join(" ", displayArgv) + " -> exit " + exitCode + " in "
                + duration.toMillis() + " ms]";
    }
}
