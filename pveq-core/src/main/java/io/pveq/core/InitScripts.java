package io.pveq.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The OS init scripts {@code sh/<os>_<version>.sh}: their names, and each one's bundled text, the
 * self-contained script that is served at {@code GET /sh/<os>_<version>.sh} and run in new guests.
 * The scripts ship inside the pveq-core jar ({@link #packaged()}); {@link #fromDirectory} reads a
 * checkout's {@code sh/} folder instead.
 *
 * <p>Bundling follows the same rules as {@code sh/bundle.sh} and prints the same bytes: an include
 * line is exactly {@code # pveq:include lib/<name>.sh} ({@code <name>}: {@code a-z 0-9 _ -}); it is
 * replaced by {@code # >>> pveq:begin lib/<name>.sh}, that file (expanded the same way) and
 * {@code # <<< pveq:end lib/<name>.sh}; a file already included becomes
 * {@code # pveq:already-included lib/<name>.sh}; only files directly under {@code lib/} can be
 * included; any other line starting {@code # pveq:include} is an error; every output line ends with
 * a newline. Immutable and thread-safe; reads files or resources, so blocking.
 */
public final class InitScripts {

    /** Where the scripts live inside the jar. */
    static final String RESOURCE_DIR = "io/pveq/core/sh/";

    private static final String MARKER = "# pveq:include";
    private static final Pattern INCLUDE = Pattern.compile("# pveq:include (lib/[a-z0-9][a-z0-9_-]*\\.sh)");
    private static final Pattern SCRIPT_NAME = Pattern.compile("(lib/)?[a-z0-9][a-z0-9._-]*\\.sh");
    private static final Pattern SERVED = Pattern.compile("[a-z0-9]+_[0-9][0-9.]*\\.sh");

    private interface Source {
        Optional<String> read(String name);

        List<String> list();
    }

    private final Source source;

    private InitScripts(Source source) {
        this.source = source;
    }

    /** @return the scripts packaged in the pveq-core jar (or its classes folder) */
    public static InitScripts packaged() {
        return new InitScripts(new Source() {
            @Override
            public Optional<String> read(String name) {
                try (InputStream in = InitScripts.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
                    return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the packaged script " + name, e);
                }
            }

            @Override
            public List<String> list() {
                return listPackaged();
            }
        });
    }

    /**
     * @param shDir a {@code sh/} folder, e.g. of a repository checkout; not null
     * @return the scripts in that folder
     */
    public static InitScripts fromDirectory(Path shDir) {
        Path dir = Objects.requireNonNull(shDir, "shDir").toAbsolutePath().normalize();
        return new InitScripts(new Source() {
            @Override
            public Optional<String> read(String name) {
                Path file = dir.resolve(name);
                if (!Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read sh/" + name, e);
                }
            }

            @Override
            public List<String> list() {
                try (Stream<Path> files = Files.list(dir)) {
                    return files.map(p -> p.getFileName().toString()).toList();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + dir, e);
                }
            }
        });
    }

    /** @return the served script names such as {@code debian_12.sh}, sorted (libraries and {@code bundle.sh} left out) */
    public List<String> names() {
        TreeSet<String> names = new TreeSet<>();
        for (String name : source.list()) {
            if (SERVED.matcher(name).matches()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /**
     * @param release an OS release
     * @return the bundled text of {@code <os>_<version>.sh}, if there is such a script
     * @throws IllegalArgumentException when the script has a malformed include line or includes a missing file
     */
    public Optional<String> forRelease(OsRelease release) {
        String name = release.scriptName() + ".sh";
        if (!SCRIPT_NAME.matcher(name).matches() || source.read(name).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(bundle(name));
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
        String text = source.read(name).orElseThrow(() -> new IllegalArgumentException("no such script: " + name));
        StringBuilder out = new StringBuilder();
        expand(name, text, new HashSet<>(), out);
        return out.toString();
    }

    private void expand(String name, String text, Set<String> included, StringBuilder out) {
        included.add(name);
        String[] lines = text.split("\n", -1);
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
            Optional<String> content = source.read(target);
            if (content.isEmpty()) {
                throw new IllegalArgumentException(name + ": no such file: " + target);
            }
            if (included.contains(target)) {
                out.append("# pveq:already-included ").append(target).append('\n');
            } else {
                out.append("# >>> pveq:begin ").append(target).append('\n');
                expand(target, content.get(), included, out);
                out.append("# <<< pveq:end ").append(target).append('\n');
            }
        }
    }

    private static List<String> listPackaged() {
        URL anchor = InitScripts.class.getClassLoader().getResource(RESOURCE_DIR + "lib/common.sh");
        if (anchor == null) {
            return List.of();
        }
        try {
            if (anchor.getProtocol().equals("jar")) {
                JarURLConnection connection = (JarURLConnection) anchor.openConnection();
                connection.setUseCaches(false);
                List<String> names = new ArrayList<>();
                try (JarFile jar = connection.getJarFile()) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        String entry = entries.nextElement().getName();
                        if (entry.startsWith(RESOURCE_DIR) && entry.indexOf('/', RESOURCE_DIR.length()) < 0) {
                            names.add(entry.substring(RESOURCE_DIR.length()));
                        }
                    }
                }
                return names;
            }
            Path dir = Path.of(anchor.toURI()).getParent().getParent();
            return fromDirectory(dir).source.list();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the packaged scripts", e);
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot list the packaged scripts at " + anchor, e);
        }
    }
}
