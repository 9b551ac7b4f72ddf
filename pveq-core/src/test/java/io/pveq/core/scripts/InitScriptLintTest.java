package io.pveq.core.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InitScripts;
import io.pveq.core.testing.TestPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bash -n and shellcheck over every file in sh/, raw and bundled; and what the scripts must never do. */
class InitScriptLintTest {

    @TempDir
    Path tmp;

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + "\n" + output);
        return output;
    }

    /** The nine scripts and the three libraries, each bundled as served (a library with its own includes). */
    private List<Path> bundled() throws Exception {
        InitScripts bundler = InitScripts.fromDirectory(Repository.shDir());
        List<Path> files = new ArrayList<>();
        for (String name : Stream.concat(Repository.SCRIPTS.stream(), Repository.LIBRARIES.stream()).toList()) {
            Path file = tmp.resolve(name.replace('/', '-'));
            Files.writeString(file, bundler.bundle(name));
            files.add(file);
        }
        return files;
    }

    private static List<Path> sources() throws Exception {
        Path sh = Repository.shDir();
        List<Path> files = new ArrayList<>(Repository.SCRIPTS.stream().map(sh::resolve).toList());
        Repository.LIBRARIES.forEach(name -> files.add(sh.resolve(name)));
        files.add(sh.resolve("bundle.sh"));
        return files;
    }

    @Test
    void everyScriptAndLibraryPassesBashSyntaxCheck() throws Exception {
        for (Path file : Stream.concat(sources().stream(), bundled().stream()).toList()) {
            run(List.of("/bin/bash", "-n", file.toString()));
        }
    }

    /**
     * shellcheck takes about two seconds per bundled script here, so it checks one bundled script per
     * family (together all library code, as served) plus the files that stand alone: the nine thin
     * scripts (their own lines are all that differs between the bundles of a family) and bundle.sh.
     * Library files are not checked raw: each uses variables another one sets.
     */
    @Test
    void everyBundledScriptAndLibraryPassesShellcheck() throws Exception {
        List<String> command = new ArrayList<>(List.of(TestPeer.SHELLCHECK.require().toString(), "--shell=bash",
                "--severity=style"));
        InitScripts bundler = InitScripts.fromDirectory(Repository.shDir());
        for (String name : List.of("debian_12.sh", "rockylinux_9.sh")) {
            Path file = tmp.resolve(name);
            Files.writeString(file, bundler.bundle(name));
            command.add(file.toString());
        }
        command.add(Repository.shDir().resolve("bundle.sh").toString());
        Repository.SCRIPTS.forEach(name -> command.add(Repository.shDir().resolve(name).toString()));
        run(command);
    }

    @Test
    void everyScriptIsPlainAsciiWithUnixLineEnds() throws Exception {
        for (Path file : sources()) {
            byte[] bytes = Files.readAllBytes(file);
            for (byte b : bytes) {
                assertTrue(b > 0 && b != '\r', file.getFileName() + " has a NUL, CR or non-ASCII byte");
            }
        }
    }

    @Test
    void noScriptTouchesSshPasswordLoginKillsAPackageManagerOrLocksAnAccount() throws Exception {
        for (Path file : sources()) {
            String text = Files.readString(file).toLowerCase(Locale.ROOT);
            for (String forbidden : List.of("sshd_config", "passwordauthentication", "permitrootlogin", "pkill",
                    "killall", "kill ", "passwd -l", "usermod", "chmod -x", "--root-password ")) {
                assertFalse(text.contains(forbidden), file.getFileName() + " contains '" + forbidden + "'");
            }
        }
    }
}
