package io.pveq.core.scripts;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pveq.core.InitScripts;
import io.pveq.core.testing.TestPeer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A fake guest for one init script: a fake root (the script's {@code PVEQ_ROOT}), a state folder for
 * the stand-ins, and a bin folder that is the script's whole {@code PATH}: stand-ins for package
 * managers and system tools, recording pass-throughs for the few plain tools the scripts use.
 */
final class FakeGuest {

    /** Commands faked by the stand-in. */
    static final List<String> FAKED = List.of("apt-get", "dnf", "dpkg-query", "rpm", "systemctl", "chpasswd",
            "timedatectl", "localectl", "update-locale", "locale-gen", "locale", "cloud-init", "mkswap", "swapon",
            "swapoff");
    /** Real commands the scripts may run (recorded, then run for real). */
    static final List<String> PASSED_THROUGH = List.of("cat", "stat", "awk", "sed", "tail", "mkdir", "cp", "chmod",
            "mv", "rm", "readlink", "dd", "timeout", "python3", "sleep");
    /** Commands that change the system (systemctl only for verbs other than is-*). */
    static final List<String> MUTATING = List.of("apt-get", "dnf", "chpasswd", "timedatectl", "localectl",
            "update-locale", "locale-gen", "mkswap", "swapon", "swapoff", "mkdir", "cp", "chmod", "mv", "rm", "dd");

    static final String PASSWORD = "Pw-4f9c2e correct horse";
    /** Where pass-throughs find the real commands; the scripts' crypt(3) checks need its python3. */
    private static final String REAL_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    final GuestOs os;
    final Path root;
    final Path state;
    private final Path bin;
    private final Path script;
    private final Path dir;

    FakeGuest(GuestOs os, Path dir) {
        TestPeer.PYTHON3.require(REAL_PATH);
        this.os = os;
        this.dir = dir;
        this.root = dir.resolve("root");
        this.state = dir.resolve("state");
        this.bin = dir.resolve("bin");
        this.script = dir.resolve(os.script);
        try {
            Files.createDirectories(state);
            Files.createDirectories(bin);
            Path standin = dir.resolve("standin.sh");
            try (InputStream in = FakeGuest.class.getResourceAsStream("/scripts/standin.sh")) {
                Files.copy(in, standin);
            }
            Files.setPosixFilePermissions(standin, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String name : Stream.concat(FAKED.stream(), PASSED_THROUGH.stream()).toList()) {
                Files.createSymbolicLink(bin.resolve(name), standin);
            }
            Files.writeString(script, InitScripts.fromDirectory(Repository.shDir()).bundle(os.script));
            Files.writeString(state.resolve("installed"), os.preinstalled());
            Files.writeString(dir.resolve("log"), "");
            Files.writeString(dir.resolve("envlog"), "");
            os.files().forEach(this::write);
            write("etc/shadow", "root:*:19000:0:99999:7:::\n" + os.id + ":!:19000:0:99999:7:::\n");
            write("etc/fstab", "LABEL=root / ext4 defaults 0 1\n");
            write("usr/share/zoneinfo/UTC", "TZif");
            write("usr/share/zoneinfo/Etc/UTC", "TZif");
            write("usr/share/zoneinfo/Europe/Berlin", "TZif");
            // relative, as some images have it (and so JUnit need not warn about links leaving the temp folder)
            Files.createSymbolicLink(root.resolve("etc/localtime"), Path.of("../usr/share/zoneinfo/Etc/UTC"));
            write("proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
            write("proc/locks", "");
            write("dev/virtio-ports/org.qemu.guest_agent.0", "");
            write("root/pw", PASSWORD + "\n");
            Files.setPosixFilePermissions(root.resolve("root/pw"), PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file under the fake root. */
    void write(String path, String content) {
        try {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a file under the fake root. */
    String read(String path) {
        try {
            return Files.readString(root.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Marks a stand-in state flag (e.g. {@code cloud-init-hang}). */
    void flag(String name) {
        try {
            Files.writeString(state.resolve(name), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What chpasswd received on standard input over all runs. */
    String chpasswdInput() {
        try {
            Path file = state.resolve("chpasswd.stdin");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Run run(List<String> args) {
        return run(args, Map.of(), "", line -> { });
    }

    /**
     * Runs the bundled script with a clean environment: PATH is the bin folder only, PVEQ_ROOT the
     * fake root. Blocks until it ends (at most 60 s).
     */
    Run run(List<String> args, Map<String, String> env, String stdin, Consumer<String> stdoutLines) {
        List<String> command = new ArrayList<>(List.of("/bin/bash", script.toString()));
        command.addAll(args);
        return start(command, env, stdin, stdoutLines);
    }

    /** Runs the script the way {@code sudo bash -s -- ARGS} does: its text, then {@code extraStdin}, on standard input. */
    Run runFromStdin(List<String> args, String extraStdin) {
        List<String> command = new ArrayList<>(List.of("/bin/bash", "-s", "--"));
        command.addAll(args);
        try {
            return start(command, Map.of(), Files.readString(script) + extraStdin, line -> { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Run start(List<String> command, Map<String, String> env, String stdin, Consumer<String> stdoutLines) {
        assertFalse(root.toString().isEmpty() || root.getNameCount() < 2, "fake root must be a real sub-folder");
        try {
            Files.writeString(dir.resolve("log"), "");
            Files.writeString(dir.resolve("envlog"), "");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
            Map<String, String> environment = builder.environment();
            environment.clear();
            environment.put("PATH", bin.toString());
            environment.put("PVEQ_ROOT", root.toString());
            environment.put("FAKE_STATE", state.toString());
            environment.put("FAKE_LOG", dir.resolve("log").toString());
            environment.put("FAKE_ENV_LOG", dir.resolve("envlog").toString());
            environment.put("FAKE_REAL_PATH", REAL_PATH);
            environment.put("LC_ALL", "C");
            environment.putAll(env);
            Process process = builder.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> lines(process.getInputStream(), stdoutLines));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the script does not read its input unless asked to
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("script did not finish within 60 s");
            }
            return new Run(process.exitValue(), out.join(), err.join(),
                    Files.readString(dir.resolve("log")), Files.readString(dir.resolve("envlog")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String lines(InputStream in, Consumer<String> each) {
        StringBuilder all = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                all.append(line).append('\n');
                each.accept(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }

    private static String drain(InputStream in) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file, folder and link under the fake root with type, mode, size, content hash and mtime. */
    Map<String, String> snapshot() {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                String what;
                if (Files.isSymbolicLink(path)) {
                    what = "link -> " + Files.readSymbolicLink(path);
                } else {
                    what = (Files.isDirectory(path) ? "dir " : "file " + sha256(path) + " ")
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(path))
                            + " " + Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toMillis();
                }
                entries.put(root.relativize(path).toString(), what);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One run: exit code, output, and every recorded command. */
    record Run(int exit, String stdout, String stderr, String log, String envLog) {

        /** Recorded commands, each as its argv (name first), unescaped. */
        List<List<String>> calls() {
            List<List<String>> calls = new ArrayList<>();
            for (String line : log.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                List<String> argv = new ArrayList<>();
                for (String field : line.split("\t", -1)) {
                    argv.add(unescape(field));
                }
                calls.add(argv);
            }
            return calls;
        }

        List<List<String>> mutatingCalls() {
            return calls().stream()
                    .filter(c -> c.get(0).equals("systemctl") ? !c.get(1).startsWith("is-") : MUTATING.contains(c.get(0)))
                    .toList();
        }

        List<List<String>> callsOf(String name) {
            return calls().stream().filter(c -> c.get(0).equals(name)).toList();
        }

        /** The exported environment ({@code export -p}) of each call of a command, in order. */
        List<String> environmentsOf(String name) {
            List<String> environments = new ArrayList<>();
            for (String block : ("\n" + envLog).split("\n### ")) {
                if (block.startsWith(name + "\n")) {
                    environments.add(block.substring(name.length() + 1));
                }
            }
            return environments;
        }

        boolean called(String... argv) {
            return calls().contains(List.of(argv));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr + "--- commands\n" + log;
        }

        private static String unescape(String field) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '\\' && i + 1 < field.length()) {
                    char next = field.charAt(++i);
                    out.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}
