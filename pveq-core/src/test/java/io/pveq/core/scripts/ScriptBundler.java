package io.pveq.core.scripts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands the include lines of a pveq OS init script into the one self-contained text that is
 * served at {@code GET /sh/<os>_<version>.sh} and run in the guest. Same rules and same output as
 * {@code sh/bundle.sh}:
 * <ul>
 *   <li>an include line is exactly {@code # pveq:include lib/<name>.sh}, {@code <name>} made of
 *       {@code a-z 0-9 _ -}; it is replaced by {@code # >>> pveq:begin lib/<name>.sh}, that file
 *       (expanded the same way) and {@code # <<< pveq:end lib/<name>.sh};</li>
 *   <li>a file already included is replaced by {@code # pveq:already-included lib/<name>.sh};</li>
 *   <li>only files directly under {@code sh/lib} can be included (no path traversal); any other
 *       line starting {@code # pveq:include} is an error;</li>
 *   <li>every output line ends with a newline.</li>
 * </ul>
 * Test code for now; meant to move to main code. Immutable and thread-safe; reads files, so blocking.
 */
public final class ScriptBundler {

    private static final String MARKER = "# pveq:include";
    private static final Pattern INCLUDE = Pattern.compile("# pveq:include (lib/[a-z0-9][a-z0-9_-]*\\.sh)");
    private static final Pattern SCRIPT_NAME = Pattern.compile("(lib/)?[a-z0-9][a-z0-9._-]*\\.sh");

    private final Path shDir;

    /**
     * @param shDir the {@code sh/} folder; not null
     */
    public ScriptBundler(Path shDir) {
        this.shDir = Objects.requireNonNull(shDir, "shDir").toAbsolutePath().normalize();
    }

    /**
     * @param name a script name such as {@code debian_12.sh}, or {@code lib/apt-family.sh}; not null
     * @return the expanded script text
     * @throws IllegalArgumentException when the name is not a script name, the script does not exist,
     *                                  or a file has a malformed include line or includes a missing file
     * @throws UncheckedIOException     when a file cannot be read
     */
    public String bundle(String name) {
        Objects.requireNonNull(name, "name");
        if (!SCRIPT_NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("not a script name: " + name);
        }
        if (!Files.isRegularFile(shDir.resolve(name))) {
            throw new IllegalArgumentException("no such script: " + name);
        }
        StringBuilder out = new StringBuilder();
        expand(name, new HashSet<>(), out);
        return out.toString();
    }

    private void expand(String name, Set<String> included, StringBuilder out) {
        included.add(name);
        String[] lines = read(name).split("\n", -1);
        int count = lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (!line.startsWith(MARKER)) {
                out.append(line).append('\n');
                continue;
            }
            Matcher include = INCLUDE.matcher(line);
            if (!include.matches()) {
                throw new IllegalArgumentException(name + ": malformed include line: " + line);
            }
            String target = include.group(1);
            if (!Files.isRegularFile(shDir.resolve(target))) {
                throw new IllegalArgumentException(name + ": no such file: " + target);
            }
            if (included.contains(target)) {
                out.append("# pveq:already-included ").append(target).append('\n');
            } else {
                out.append("# >>> pveq:begin ").append(target).append('\n');
                expand(target, included, out);
                out.append("# <<< pveq:end ").append(target).append('\n');
            }
        }
    }

    private String read(String name) {
        try {
            return Files.readString(shDir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sh/" + name, e);
        }
    }
}
