package io.pveq.core.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InitScripts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InitScriptsBundleTest {

    @TempDir
    Path sh;

    private void write(String name, String text) throws IOException {
        Path file = sh.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void expandsIncludesRecursivelyAndEachFileOnlyOnce() throws IOException {
        write("lib/base.sh", "base() { :; }\n");
        write("lib/family.sh", "# pveq:include lib/base.sh\nfamily() { base; }");
        write("os_1.sh", "#!/usr/bin/env bash\n# pveq:include lib/base.sh\n# pveq:include lib/family.sh\nfamily\n");

        assertEquals("#!/usr/bin/env bash\n"
                + "# >>> pveq:begin lib/base.sh\nbase() { :; }\n# <<< pveq:end lib/base.sh\n"
                + "# >>> pveq:begin lib/family.sh\n# pveq:already-included lib/base.sh\nfamily() { base; }\n"
                + "# <<< pveq:end lib/family.sh\n"
                + "family\n", InitScripts.fromDirectory(sh).bundle("os_1.sh"));
    }

    @Test
    void aFileIncludingItselfIsExpandedOnce() throws IOException {
        write("lib/loop.sh", "# pveq:include lib/loop.sh\nx=1\n");
        assertEquals("# pveq:already-included lib/loop.sh\nx=1\n", InitScripts.fromDirectory(sh).bundle("lib/loop.sh"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"# pveq:include ../../etc/passwd", "# pveq:include lib/../os_1.sh",
        "# pveq:include /etc/passwd", "# pveq:include lib/sub/x.sh", "# pveq:include  lib/a.sh", "# pveq:include lib/a.sh "})
    void rejectsIncludeLinesOutsideTheFixedForm(String line) throws IOException {
        write("lib/a.sh", "a=1\n");
        write("os_1.sh", line + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InitScripts.fromDirectory(sh).bundle("os_1.sh"));
        assertTrue(e.getMessage().contains("malformed include line"), e.getMessage());
    }

    @Test
    void rejectsAnIncludeOfAMissingFile() throws IOException {
        write("os_1.sh", "# pveq:include lib/gone.sh\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InitScripts.fromDirectory(sh).bundle("os_1.sh"));
        assertTrue(e.getMessage().contains("no such file: lib/gone.sh"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../pom.xml", "/etc/passwd", "lib/../os_1.sh", "os_1", "missing_1.sh", "lib/sub/x.sh", ".hidden.sh"})
    void bundlesOnlyScriptsOfTheShFolder(String name) throws IOException {
        write("os_1.sh", "x=1\n");
        assertThrows(IllegalArgumentException.class, () -> InitScripts.fromDirectory(sh).bundle(name));
    }

    /** Runs a copy of sh/bundle.sh placed in the temporary sh folder; returns exit code and output. */
    private String bundleShInTemp(String name, int expectedExit) throws Exception {
        Path copy = sh.resolve("bundle.sh");
        if (!Files.exists(copy)) {
            Files.copy(Repository.shDir().resolve("bundle.sh"), copy);
        }
        Process process = new ProcessBuilder("/bin/bash", copy.toString(), name).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(expectedExit, process.exitValue(), err);
        return expectedExit == 0 ? out : err;
    }

    @Test
    void bundleShFollowsTheSameRulesOnEdgeCases() throws Exception {
        write("lib/base.sh", "base() { :; }");
        write("lib/family.sh", "# pveq:include lib/base.sh\n# pveq:include lib/family.sh\nfamily() { base; }\n\n");
        write("os_1.sh", "#!/usr/bin/env bash\n# pveq:include lib/family.sh\n# pveq:include lib/base.sh\nfamily\n");
        write("bad_1.sh", "# pveq:include lib/../os_1.sh\n");
        write("gone_1.sh", "# pveq:include lib/gone.sh\n");

        assertEquals(InitScripts.fromDirectory(sh).bundle("os_1.sh"), bundleShInTemp("os_1.sh", 0));
        assertTrue(bundleShInTemp("bad_1.sh", 1).contains("malformed include line"));
        assertTrue(bundleShInTemp("gone_1.sh", 1).contains("no such file: lib/gone.sh"));
    }

    @Test
    void bundleShPrintsTheSameTextAsTheJavaBundler() throws Exception {
        InitScripts bundler = InitScripts.fromDirectory(Repository.shDir());
        for (String name : Stream.concat(Repository.SCRIPTS.stream(), Repository.LIBRARIES.stream()).toList()) {
            Process process = new ProcessBuilder("/bin/bash", Repository.shDir().resolve("bundle.sh").toString(), name)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), name);
            assertEquals(bundler.bundle(name), printed, name);
        }
    }

    @Test
    void bundleShRefusesNamesOutsideTheShFolder() throws Exception {
        for (String name : List.of("../pom.xml", "lib/../../pom.xml", "/etc/passwd")) {
            Process process = new ProcessBuilder("/bin/bash", Repository.shDir().resolve("bundle.sh").toString(), name)
                    .redirectErrorStream(true).start();
            String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue(), printed);
            assertTrue(printed.contains("not a script name"), printed);
        }
    }

    @Test
    void everyServedScriptIsSelfContainedAndCallsTheSharedMain() {
        InitScripts bundler = InitScripts.fromDirectory(Repository.shDir());
        for (String name : Repository.SCRIPTS) {
            String text = bundler.bundle(name);
            assertFalse(text.contains("\n# pveq:include"), name + " still has an include line");
            assertTrue(text.contains("\npveq_main() {\n"), name + " lacks the shared logic");
            assertTrue(text.contains(name.startsWith("rockylinux") ? "# >>> pveq:begin lib/dnf-family.sh"
                    : "# >>> pveq:begin lib/apt-family.sh"), name);
            assertTrue(text.startsWith("#!/usr/bin/env bash\n"), name);
        }
    }

    @Test
    void packagedScriptsAreTheServedOnesAndBundleLikeTheCheckout() {
        InitScripts packaged = InitScripts.packaged();
        assertEquals(Repository.SCRIPTS.stream().sorted().toList(), packaged.names());
        InitScripts checkout = InitScripts.fromDirectory(Repository.shDir());
        for (String name : Repository.SCRIPTS) {
            assertEquals(checkout.bundle(name), packaged.bundle(name), name);
        }
        assertEquals(java.util.Optional.of(checkout.bundle("ubuntu_24.04.sh")),
                packaged.forRelease(io.pveq.core.OsRelease.of("ubuntu", "24.04")));
        assertEquals(java.util.Optional.empty(), packaged.forRelease(io.pveq.core.OsRelease.of("ubuntu", "99.04")));
    }
}
