package io.pveq.server.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OS init scripts served read-only at {@code GET /sh/<os>_<version>.sh}, read once at start-up
 * from the {@code sh/} folder and bundled (each {@code # pveq:include lib/<name>.sh} line replaced by
 * that file, as {@code sh/bundle.sh} does), so requests only ever look names up in memory: no path
 * from a request reaches the file system. Immutable and thread-safe after construction.
 */
public final class ScriptStore {

    /** Names served: {@code <os>_<version>.sh}. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}_[0-9]{1,4}(\\.[0-9]{1,4}){0,2}\\.sh");
    private static final Pattern INCLUDE = Pattern.compile("# pveq:include (lib/[a-z0-9][a-z0-9_-]*\\.sh)");

    private final Map<String, String> scripts;

    private ScriptStore(Map<String, String> scripts) {
        this.scripts = Map.copyOf(scripts);
    }

    /**
     * @param dir the {@code sh/} folder; a missing folder gives an empty store
     * @return the store
     * @throws UncheckedIOException  when a script cannot be read
     * @throws IllegalStateException when a script has a malformed or dangling include line
     */
    public static ScriptStore load(Path dir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return new ScriptStore(out);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.sh")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (NAME.matcher(name).matches() && Files.isRegularFile(f)) {
                    StringBuilder text = new StringBuilder();
                    expand(dir, name, new HashSet<>(), text);
                    out.put(name, text.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return new ScriptStore(out);
    }

    private static void expand(Path dir, String name, Set<String> included, StringBuilder out) throws IOException {
        included.add(name);
        String[] lines = Files.readString(dir.resolve(name), StandardCharsets.UTF_8).split("\n", -1);
        int count = lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (!line.startsWith("# pveq:include")) {
                out.append(line).append('\n');
                continue;
            }
            Matcher m = INCLUDE.matcher(line);
            if (!m.matches() || !Files.isRegularFile(dir.resolve(m.group(1)))) {
                throw new IllegalStateException("sh/" + name + ": bad include line: " + line);
            }
            String target = m.group(1);
            if (included.contains(target)) {
                out.append("# pveq:already-included ").append(target).append('\n');
            } else {
                out.append("# >>> pveq:begin ").append(target).append('\n');
                expand(dir, target, included, out);
                out.append("# <<< pveq:end ").append(target).append('\n');
            }
        }
    }

    /**
     * @param name the requested file name
     * @return the bundled script, when {@code name} is exactly one of the served names
     */
    public Optional<String> find(String name) {
        return name != null && NAME.matcher(name).matches() ? Optional.ofNullable(scripts.get(name)) : Optional.empty();
    }

    /** @return how many scripts are served */
    public int size() {
        return scripts.size();
    }
}
