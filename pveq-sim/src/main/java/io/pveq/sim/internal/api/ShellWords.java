package io.pveq.sim.internal.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell line into commands and words as bash does for the subset {@link SimTerminal} runs:
 * {@code ;} between commands, blanks between words, single quotes (literal), double quotes ({@code $?}
 * and backslash before {@code "\$`} only), backslash outside quotes, {@code $?} outside single quotes.
 * Redirections, pipes and other expansions are not simulated: their characters are refused unquoted.
 */
final class ShellWords {

    private ShellWords() {
    }

    /** Stands for {@code $?} in parsed words: the status is only known when the command runs. */
    static final char STATUS = '\u0000';

    /**
     * @return the commands' argument vectors, {@link #STATUS} where {@code $?} stood
     * @throws IllegalArgumentException on an unclosed quote or an unsimulated operator
     */
    static List<List<String>> parse(String line) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unexpected EOF while looking for matching `''");
                }
                word.append(line, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("unexpected EOF while looking for matching `\"'");
                    }
                    char d = line.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < line.length() && "\\$`\"".indexOf(line.charAt(i + 1)) >= 0) {
                        word.append(line.charAt(i + 1));
                        i += 2;
                    } else if (d == '$' && line.startsWith("$?", i)) {
                        word.append(STATUS);
                        i += 2;
                    } else if (d == '$' || d == '`') {
                        throw new IllegalArgumentException("pveq-sim: expansion '" + d + "' is not simulated");
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(i + 1));
                inWord = true;
                i += 2;
            } else if (c == '$' && line.startsWith("$?", i)) {
                word.append(STATUS);
                inWord = true;
                i += 2;
            } else if (c == ' ' || c == '\t' || c == ';') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                if (c == ';') {
                    commands.add(List.copyOf(words));
                    words.clear();
                }
                i++;
            } else if ("|&<>()`$*?[]{}~#!".indexOf(c) >= 0 && !(inWord && (c == '#' || c == '!' || c == '~'))) {
                throw new IllegalArgumentException("pveq-sim: '" + c + "' is not simulated unquoted");
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        commands.add(List.copyOf(words));
        return commands;
    }
}
