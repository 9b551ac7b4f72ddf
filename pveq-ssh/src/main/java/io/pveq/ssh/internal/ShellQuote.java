package io.pveq.ssh.internal;

import java.util.List;

/**
 * The one place in pveq where argv becomes a shell string: SSH carries a single command line that
 * the remote login shell parses, so every element is wrapped in POSIX single quotes, inside which no
 * character is special; a single quote itself is written as {@code '\''}.
 */
public final class ShellQuote {

    private ShellQuote() {
    }

    /**
     * @param argument any text without NUL
     * @return the argument as one single-quoted shell word
     * @throws IllegalArgumentException when it holds NUL, which no shell word can carry
     */
    public static String quote(String argument) {
        if (argument.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an argument for a remote shell cannot contain NUL");
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }

    /**
     * @param argv program and arguments
     * @return the command line a POSIX shell splits back into exactly {@code argv}
     */
    public static String commandLine(List<String> argv) {
        StringBuilder line = new StringBuilder();
        for (String argument : argv) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(quote(argument));
        }
        return line.toString();
    }
}
