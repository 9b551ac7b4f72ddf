package io.pveq.api.internal;

import java.util.List;
import java.util.StringJoiner;

/**
 * The one place where arguments become a shell command line for a terminal: each word single-quoted (a
 * quote inside written as {@code '\''}), so the shell takes it literally. Words with control characters
 * are refused: a terminal's line discipline would act on them before any shell sees them.
 */
final class ShellQuoting {

    private ShellQuoting() {
    }

    /**
     * @param argv the program and its arguments
     * @return the quoted command line
     * @throws IllegalArgumentException an empty argv, or a word with a control character (named by index)
     */
    static String commandLine(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv: must name a program");
        }
        StringJoiner line = new StringJoiner(" ");
        for (int i = 0; i < argv.size(); i++) {
            String word = argv.get(i);
            if (word == null) {
                throw new IllegalArgumentException("argv[" + i + "]: must not be null");
            }
            for (int j = 0; j < word.length(); j++) {
                char c = word.charAt(j);
                if (c < 0x20 || c == 0x7f) {
                    throw new IllegalArgumentException("argv[" + i + "]: control character U+"
                            + String.format("%04X", (int) c) + " at " + j + " cannot be typed into a terminal");
                }
            }
            line.add("'" + word.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }
}
