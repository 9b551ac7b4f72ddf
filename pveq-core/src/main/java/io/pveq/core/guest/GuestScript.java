package io.pveq.core.guest;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A script to run as root inside a guest: the OS init script {@code sh/<os>_<version>.sh}, say.
 * Arguments travel as argv (quoted at the one quoting point of the SSH transport); a secret such
 * as the root password travels on standard input, never on a command line.
 *
 * @param name        a short name for messages, e.g. {@code debian_12.sh}
 * @param content     the script text
 * @param arguments   named-argument style arguments, e.g. {@code --timezone}, {@code UTC}
 * @param environment extra environment for the script (names {@code [A-Z_][A-Z0-9_]*})
 * @param secretStdin bytes fed to the script's standard input, never shown or logged
 */
public record GuestScript(String name, String content, List<String> arguments, Map<String, String> environment,
                          Optional<byte[]> secretStdin) {

    /** Validates and copies. */
    public GuestScript {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
        arguments = List.copyOf(arguments);
        environment = Map.copyOf(environment);
        for (String key : environment.keySet()) {
            if (!key.matches("[A-Z_][A-Z0-9_]*")) {
                throw new IllegalArgumentException("environment name must match [A-Z_][A-Z0-9_]*: " + key);
            }
        }
        secretStdin = secretStdin.map(byte[]::clone);
    }

    /** @return the secret bytes (a copy), if any */
    @Override
    public Optional<byte[]> secretStdin() {
        return secretStdin.map(byte[]::clone);
    }

    @Override
    public String toString() {
        return "GuestScript[" + name + " " + arguments + ", env=" + environment.keySet()
                + (secretStdin.isPresent() ? ", secret on stdin" : "") + "]";
    }
}
