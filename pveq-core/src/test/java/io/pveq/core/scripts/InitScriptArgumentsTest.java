package io.pveq.core.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Named arguments, environment, and the root password's way in. */
class InitScriptArgumentsTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> badValues() {
        GuestOs debian = GuestOs.DEBIAN_12;
        GuestOs rocky = GuestOs.ROCKY_9;
        return Stream.of(
                Arguments.of(debian, List.of("--timezone", "Mars/Olympus"), Map.of(), "--timezone: unknown time zone 'Mars/Olympus'"),
                Arguments.of(debian, List.of("--timezone", "../../../etc/shadow"), Map.of(), "--timezone: unknown time zone"),
                Arguments.of(debian, List.of("--mirror", "ftp://mirror.example/debian"), Map.of(), "--mirror: expected an http(s) URL"),
                Arguments.of(debian, List.of("--mirror=https://mirror.example/$(reboot)"), Map.of(), "--mirror: expected an http(s) URL"),
                Arguments.of(debian, List.of("--packages", "curl -y"), Map.of(), "--packages: not a valid package name: '-y'"),
                Arguments.of(debian, List.of("--packages", "curl;reboot"), Map.of(), "--packages: not a valid package name"),
                Arguments.of(debian, List.of("--swap-size", "2T"), Map.of(), "--swap-size: expected a size like 512M or 2G"),
                Arguments.of(debian, List.of("--swap-size", "8M"), Map.of(), "--swap-size: size must be between 16M and 1024G"),
                Arguments.of(debian, List.of("--locale", "english"), Map.of(), "--locale: expected a locale like en_US.UTF-8"),
                Arguments.of(debian, List.of("--locale", "xx_YY.UTF-8"), Map.of(), "--locale: locale 'xx_YY.UTF-8' is not supported"),
                Arguments.of(debian, List.of("--lock-timeout", "0"), Map.of(), "--lock-timeout: expected whole seconds"),
                Arguments.of(debian, List.of("--root-password-file", "root/pw"), Map.of(), "--root-password-file: expected an absolute path"),
                Arguments.of(debian, List.of("--root-password-file", "/root/none"), Map.of(), "--root-password-file: not a regular file"),
                Arguments.of(debian, List.of("--root-password-stdin", "--root-password-file", "/root/pw"), Map.of(),
                        "--root-password-stdin: give either it or --root-password-file, not both"),
                Arguments.of(debian, List.of("--bogus", "1"), Map.of(), "unknown argument: --bogus"),
                Arguments.of(debian, List.of("--timezone"), Map.of(), "--timezone needs a value"),
                Arguments.of(debian, List.of("Europe/Berlin"), Map.of(), "unexpected argument: Europe/Berlin"),
                Arguments.of(debian, List.of(), Map.of("PVEQ_SWAP_SIZE", "lots"), "PVEQ_SWAP_SIZE: expected a size like 512M or 2G"),
                Arguments.of(rocky, List.of("--packages", "-x"), Map.of(), "--packages: not a valid package name: '-x'"),
                Arguments.of(rocky, List.of("--mirror", "https://mirror.example/a b"), Map.of(), "--mirror: expected an http(s) URL"),
                Arguments.of(rocky, List.of("--timezone", "Nowhere"), Map.of(), "--timezone: unknown time zone 'Nowhere'"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void rejectsABadValueNamingTheArgumentAndChangesNothing(GuestOs os, List<String> args, Map<String, String> env,
                                                            String message) {
        FakeGuest guest = new FakeGuest(os, tmp);
        Map<String, String> before = guest.snapshot();

        FakeGuest.Run run = guest.run(args, env, "", line -> { });

        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.stderr().contains("[pveq] ERROR: " + message), run::toString);
        assertEquals(List.of(), run.mutatingCalls(), run::toString);
        assertEquals(before, guest.snapshot());
    }

    @Test
    void rejectsAPasswordFileOthersCanRead() throws Exception {
        FakeGuest guest = new FakeGuest(GuestOs.DEBIAN_12, tmp);
        Files.setPosixFilePermissions(guest.root.resolve("root/pw"), PosixFilePermissions.fromString("rw-r--r--"));

        FakeGuest.Run run = guest.run(List.of("--root-password-file", "/root/pw"));

        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.stderr().contains("--root-password-file: the file must not be readable by group or others"), run::toString);
        assertEquals(List.of(), run.mutatingCalls(), run::toString);
    }

    @Test
    void rejectsAMultiLinePasswordOnStdin() {
        FakeGuest guest = new FakeGuest(GuestOs.DEBIAN_12, tmp);

        FakeGuest.Run run = guest.run(List.of("--root-password-stdin"), Map.of(), "one\ntwo\n", line -> { });

        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.stderr().contains("--root-password-stdin: the password must be a single line"), run::toString);
        assertEquals(List.of(), run.mutatingCalls(), run::toString);
    }

    @ParameterizedTest
    @EnumSource(value = GuestOs.class, names = {"UBUNTU_24_04", "ROCKY_10"})
    void passwordOnStdinReachesOnlyChpasswdsStandardInput(GuestOs os) {
        FakeGuest guest = new FakeGuest(os, tmp);

        FakeGuest.Run run = guest.run(List.of("--root-password-stdin"), Map.of(), FakeGuest.PASSWORD + "\n", line -> { });

        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.called("chpasswd"), run::toString);
        assertEquals("root:" + FakeGuest.PASSWORD + "\n", guest.chpasswdInput());
        InitScriptRunTest.assertSecretNowhereButChpasswd(run);
    }

    @Test
    void runsFromStandardInputLikeBashS() {
        FakeGuest guest = new FakeGuest(GuestOs.UBUNTU_24_04, tmp);

        FakeGuest.Run run = guest.runFromStdin(List.of("--timezone", "Europe/Berlin"), "echo TRAILING-INPUT-RAN\n");

        assertEquals(0, run.exit(), run::toString);
        assertFalse(run.stdout().contains("TRAILING-INPUT-RAN"), "input after the script is never run");
        assertTrue(run.called("timedatectl", "set-timezone", "Europe/Berlin"), run::toString);
        assertTrue(run.stdout().contains("[pveq] finished: changed"), run::toString);
    }

    @Test
    void refusesAPasswordOnStdinWhenStdinCarriesTheScript() {
        FakeGuest guest = new FakeGuest(GuestOs.DEBIAN_12, tmp);

        FakeGuest.Run run = guest.runFromStdin(List.of("--root-password-stdin"), FakeGuest.PASSWORD + "\n");

        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.stderr().contains("--root-password-stdin: standard input carries this script (bash -s)"), run::toString);
        assertEquals(List.of(), run.mutatingCalls(), run::toString);
        InitScriptRunTest.assertSecretNowhereButChpasswd(run);
    }

    @Test
    void settingsComeFromTheEnvironmentAndAnArgumentWins() throws Exception {
        FakeGuest guest = new FakeGuest(GuestOs.DEBIAN_13, tmp);

        FakeGuest.Run run = guest.run(List.of("--timezone", "Europe/Berlin"),
                Map.of("PVEQ_TIMEZONE", "UTC", "PVEQ_ROOT_PASSWORD_FILE", "/root/pw", "PVEQ_PACKAGES", "htop"), "", line -> { });

        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.called("timedatectl", "set-timezone", "Europe/Berlin"), run::toString);
        assertTrue(run.called(InitScriptRunTest.aptGet("install", "qemu-guest-agent", "htop").toArray(String[]::new)), run::toString);
        assertEquals("root:" + FakeGuest.PASSWORD + "\n", guest.chpasswdInput());
    }

    @Test
    void withoutOptionsOnlyTheAgentIsInstalledAndNothingElseIsTouched() {
        FakeGuest guest = new FakeGuest(GuestOs.UBUNTU_22_04, tmp);
        Map<String, String> before = guest.snapshot();

        FakeGuest.Run run = guest.run(List.of());

        assertEquals(0, run.exit(), run::toString);
        assertEquals(List.of(
                        InitScriptRunTest.aptGet("update"),
                        InitScriptRunTest.aptGet("install", "qemu-guest-agent"),
                        List.of("systemctl", "enable", "--now", "qemu-guest-agent")),
                run.mutatingCalls(), run::toString);
        assertEquals(before, guest.snapshot(), "no file of the guest changed");
    }

    @Test
    void aTimeZoneAlreadySetThroughAnAbsoluteLinkIsLeftAlone() throws Exception {
        FakeGuest guest = new FakeGuest(GuestOs.ROCKY_9, tmp);
        Path localtime = guest.root.resolve("etc/localtime");
        Files.delete(localtime);
        Files.createSymbolicLink(localtime, Path.of("/usr/share/zoneinfo/Europe/Berlin"));
        try {
            FakeGuest.Run run = guest.run(List.of("--timezone", "Europe/Berlin"));

            assertEquals(0, run.exit(), run::toString);
            assertEquals(List.of(), run.callsOf("timedatectl"), run::toString);
            assertTrue(run.stdout().contains("[pveq] time zone is already Europe/Berlin"), run::toString);
        } finally {
            Files.delete(localtime); // a link out of the temp folder makes JUnit warn when it cleans up
        }
    }

    @Test
    void helpPrintsTheUsageAndChangesNothing() {
        FakeGuest guest = new FakeGuest(GuestOs.ROCKY_8, tmp);

        FakeGuest.Run run = guest.run(List.of("--help"));

        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.stdout().contains("--root-password-file PATH"), run::toString);
        assertFalse(run.stdout().contains("step:"), run::toString);
        assertEquals(List.of(), run.mutatingCalls(), run::toString);
    }
}
