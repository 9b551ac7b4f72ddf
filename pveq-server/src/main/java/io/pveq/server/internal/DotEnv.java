package io.pveq.server.internal;

import io.pveq.core.InvalidSpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: {@code KEY=value} lines, {@code #} comments, blank lines, an optional
 * {@code export } prefix, values optionally in single quotes (taken literally) or double quotes
 * ({@code \n}, {@code \"} and {@code \\} escapes). No variable expansion, no command substitution.
 */
public final class DotEnv {

    private static final Pattern LINE = Pattern.compile("\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*?)\\s*");

    private DotEnv() {
    }

    /**
     * @param file the file; absent gives an empty map
     * @return the variables in file order
     * @throws InvalidSpecException naming {@code .env} (with the line number) for a malformed line
     */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * @param lines the file's lines
     * @return the variables in file order
     * @throws InvalidSpecException naming {@code .env} for a malformed line
     */
    public static Map<String, String> parse(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new InvalidSpecException(".env", "line " + (i + 1) + " is not KEY=value");
            }
            out.put(m.group(1), value(m.group(2), i + 1));
        }
        return out;
    }

    private static String value(String raw, int lineNo) {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            if (end < 0 || !trailingCommentOnly(raw.substring(end + 1))) {
                throw new InvalidSpecException(".env", "line " + lineNo + ": unterminated single quote");
            }
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\' && i + 1 < raw.length()) {
                    char n = raw.charAt(++i);
                    out.append(n == 'n' ? '\n' : n);
                } else if (c == '"') {
                    if (!trailingCommentOnly(raw.substring(i + 1))) {
                        break;
                    }
                    return out.toString();
                } else {
                    out.append(c);
                }
            }
            throw new InvalidSpecException(".env", "line " + lineNo + ": unterminated double quote");
        }
        int hash = raw.indexOf(" #");
        return (hash >= 0 ? raw.substring(0, hash) : raw).strip();
    }

    private static boolean trailingCommentOnly(String rest) {
        String r = rest.strip();
        return r.isEmpty() || r.startsWith("#");
    }
}
