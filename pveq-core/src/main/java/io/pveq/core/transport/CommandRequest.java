package io.pveq.core.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One command to run: an argv list (never a shell string), optional bytes for standard input, a
 * timeout and an optional listener for streamed output.
 *
 * <p>{@code secretArgs} holds the indexes of arguments that must never be logged or shown (a
 * password following {@code --cipassword}, say); {@link #displayLine()} replaces them with
 * {@code <hidden>}. Immutable and thread-safe.
 *
 * @param argv       program and arguments, at least one element, no nulls
 * @param stdin      bytes fed to standard input, then closed; empty means standard input is closed at once
 * @param timeout    how long the command may run before it is killed; positive
 * @param listener   receives output lines as they arrive
 * @param secretArgs indexes into argv of values to hide when displayed
 */
public record CommandRequest(List<String> argv, Optional<byte[]> stdin, Duration timeout,
                             Optional<OutputListener> listener, Set<Integer> secretArgs) {

    /** Used when no timeout is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /** Validates and copies. */
    public CommandRequest {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must hold at least the program name");
        }
        argv = List.copyOf(argv);
        Objects.requireNonNull(stdin, "stdin");
        stdin = stdin.map(byte[]::clone);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        Objects.requireNonNull(listener, "listener");
        secretArgs = Set.copyOf(secretArgs);
        for (int index : secretArgs) {
            if (index < 0 || index >= argv.size()) {
                throw new IllegalArgumentException("secret argument index " + index + " outside argv");
            }
        }
    }

    /** @return a request for {@code argv} with the default timeout and nothing else */
    public static CommandRequest of(String... argv) {
        return builder(List.of(argv)).build();
    }

    /** @return a request for {@code argv} with the default timeout and nothing else */
    public static CommandRequest of(List<String> argv) {
        return builder(argv).build();
    }

    /** @return a builder starting from {@code argv} */
    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    /** @return the standard input bytes (a copy), if any */
    @Override
    public Optional<byte[]> stdin() {
        return stdin.map(byte[]::clone);
    }

    /** @return argv with secret arguments replaced by {@code <hidden>}, for logs and messages */
    public List<String> displayArgv() {
        if (secretArgs.isEmpty()) {
            return argv;
        }
        List<String> shown = new ArrayList<>(argv);
        for (int index : secretArgs) {
            shown.set(index, "<hidden>");
        }
        return List.copyOf(shown);
    }

    /** @return {@link #displayArgv()} joined with spaces: for people, never for a shell */
    public String displayLine() {
        return String.join(" ", displayArgv());
    }

    @Override
    public String toString() {
        return "CommandRequest[" + displayLine() + ", timeout=" + timeout + "]";
    }

    /** Builds a {@link CommandRequest}. Not thread-safe. */
    public static final class Builder {
        private final List<String> argv;
        private byte[] stdin;
        private Duration timeout = DEFAULT_TIMEOUT;
        private OutputListener listener;
        private final Set<Integer> secretArgs = new TreeSet<>();

        private Builder(List<String> argv) {
            this.argv = List.copyOf(argv);
        }

        /** @param bytes fed to standard input; null for none */
        public Builder stdin(byte[] bytes) {
            this.stdin = bytes == null ? null : bytes.clone();
            return this;
        }

        /** @param timeout positive limit after which the command is killed */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** @param listener receives output lines as they arrive; null for none */
        public Builder listener(OutputListener listener) {
            this.listener = listener;
            return this;
        }

        /** @param indexes argv positions whose values must never be shown */
        public Builder secret(int... indexes) {
            for (int index : indexes) {
                secretArgs.add(index);
            }
            return this;
        }

        /** @return the request; throws {@link IllegalArgumentException} when invalid */
        public CommandRequest build() {
            return new CommandRequest(argv, Optional.ofNullable(stdin), timeout, Optional.ofNullable(listener),
                    secretArgs);
        }
    }
}
