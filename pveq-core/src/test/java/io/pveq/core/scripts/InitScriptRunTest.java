package io.pveq.core.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each of the nine scripts against a fake guest of its OS: what it does, and that a rerun does nothing. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InitScriptRunTest {

    @TempDir
    static Path tmp;

    /** One guest per OS, shared by the two tests so the second run continues from the first. */
    private static final Map<GuestOs, FakeGuest> GUESTS = new EnumMap<>(GuestOs.class);
    private static final Map<GuestOs, FakeGuest.Run> FIRST_RUNS = new EnumMap<>(GuestOs.class);

    private static FakeGuest guest(GuestOs os) {
        return GUESTS.computeIfAbsent(os, o -> new FakeGuest(o, tmp.resolve(o.name())));
    }

    private static FakeGuest.Run firstRun(GuestOs os) {
        return FIRST_RUNS.computeIfAbsent(os, o -> guest(o).run(allSettings(o)));
    }

    static List<String> allSettings(GuestOs os) {
        return List.of("--timezone", "Europe/Berlin", "--locale", "de_DE.UTF-8", "--mirror", os.mirror(),
                "--packages", "curl jq", "--swap-size", "16M", "--root-password-file", "/root/pw");
    }

    static List<String> aptGet(String... args) {
        List<String> argv = new ArrayList<>(List.of("apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=600",
                "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"));
        argv.addAll(List.of(args));
        return argv;
    }

    @Order(1)
    @ParameterizedTest
    @EnumSource(GuestOs.class)
    void firstRunInstallsTheAgentAndAppliesEverySetting(GuestOs os) throws Exception {
        FakeGuest guest = guest(os);
        FakeGuest.Run run = firstRun(os);

        assertEquals(0, run.exit(), run::toString);
        List<List<String>> calls = run.calls();
        if (os.apt()) {
            List<String> locales = os.id.equals("debian") ? List.of("locales") : List.of();
            List<String> install = new ArrayList<>(List.of("install", "qemu-guest-agent"));
            install.addAll(locales);
            install.addAll(List.of("curl", "jq"));
            int update = calls.indexOf(aptGet("update"));
            int installAt = calls.indexOf(aptGet(install.toArray(String[]::new)));
            assertTrue(update >= 0 && installAt > update, () -> "apt-get update, then install: " + run);
            List<String> aptEnvironments = run.environmentsOf("apt-get");
            assertEquals(2, aptEnvironments.size());
            aptEnvironments.forEach(env -> assertTrue(env.contains("declare -x DEBIAN_FRONTEND=\"noninteractive\"\n"),
                    "apt-get runs non-interactively: " + env));
            assertTrue(run.called("update-locale", "LANG=de_DE.UTF-8"), run::toString);
            assertEquals("LANG=de_DE.UTF-8\n", guest.read("etc/default/locale"));
            if (os.id.equals("debian")) {
                assertTrue(run.called("locale-gen"), run::toString);
                assertTrue(guest.read("etc/locale.gen").contains("\nde_DE.UTF-8 UTF-8\n"), "de_DE enabled in locale.gen");
                assertTrue(guest.read("etc/locale.gen").contains("# en_US.UTF-8 UTF-8\n"), "others left alone");
            } else {
                assertTrue(run.called("locale-gen", "de_DE.UTF-8"), run::toString);
            }
            String sources = os == GuestOs.DEBIAN_11 || os == GuestOs.UBUNTU_20_04 || os == GuestOs.UBUNTU_22_04
                    ? "etc/apt/sources.list" : "etc/apt/sources.list.d/" + os.id + ".sources";
            String text = guest.read(sources);
            assertTrue(text.contains(os.mirror() + " ") || text.contains(os.mirror() + "\n"), text);
            assertFalse(text.contains("archive.ubuntu.com") || text.contains("deb.debian.org/debian "), text);
            assertTrue(text.contains(os.id.equals("debian") ? "debian.org/debian-security" : "security.ubuntu.com/ubuntu"),
                    "security archive left alone: " + text);
        } else {
            assertTrue(run.called("dnf", "-y", "-q", "install", "qemu-guest-agent", "glibc-langpack-de", "curl", "jq"),
                    run::toString);
            assertTrue(run.called("localectl", "set-locale", "LANG=de_DE.UTF-8"), run::toString);
            assertEquals("LANG=de_DE.UTF-8\n", guest.read("etc/locale.conf"));
            for (Path repo : Files.newDirectoryStream(guest.root.resolve("etc/yum.repos.d"), "Rocky-*.repo")) {
                assertRockyRepoPointsAtMirror(Files.readString(repo));
            }
            if (Files.exists(guest.root.resolve("etc/yum.repos.d/rocky.repo"))) {
                assertRockyRepoPointsAtMirror(guest.read("etc/yum.repos.d/rocky.repo"));
            }
            assertEquals("[other]\nname=Other\nbaseurl=https://other.example/el/\n", guest.read("etc/yum.repos.d/other.repo"));
        }
        assertTrue(run.called("systemctl", "enable", "--now", "qemu-guest-agent"), run::toString);
        assertTrue(run.called("timedatectl", "set-timezone", "Europe/Berlin"), run::toString);
        assertEquals(Path.of("../usr/share/zoneinfo/Europe/Berlin"), Files.readSymbolicLink(guest.root.resolve("etc/localtime")));

        Path swapfile = guest.root.resolve("swapfile");
        assertEquals(16L << 20, Files.size(swapfile));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(swapfile)));
        assertTrue(run.called("swapon", swapfile.toString()), run::toString);
        assertTrue(guest.read("etc/fstab").endsWith("LABEL=root / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n"));

        assertTrue(run.called("chpasswd"), run::toString);
        assertEquals("root:" + FakeGuest.PASSWORD + "\n", guest.chpasswdInput());
        assertTrue(guest.read("etc/shadow").startsWith("root:$6$"), "root's password hash replaced");
        assertSecretNowhereButChpasswd(run);
    }

    private static void assertRockyRepoPointsAtMirror(String repo) {
        assertFalse(repo.contains("\nmirrorlist="), repo);
        assertTrue(repo.contains("\n#mirrorlist=https://mirrors.rockylinux.org/"), repo);
        assertTrue(repo.contains("\nbaseurl=https://mirror.example/rocky/$releasever/"), repo);
        assertFalse(repo.contains("dl.rockylinux.org"), repo);
    }

    static void assertSecretNowhereButChpasswd(FakeGuest.Run run) {
        assertFalse(run.log().contains(FakeGuest.PASSWORD), "password on a command line:\n" + run.log());
        assertFalse(run.envLog().contains(FakeGuest.PASSWORD), "password in a command's environment");
        assertFalse(run.stdout().contains(FakeGuest.PASSWORD) || run.stderr().contains(FakeGuest.PASSWORD),
                "password in the script's output");
    }

    @Order(2)
    @ParameterizedTest
    @EnumSource(GuestOs.class)
    void secondRunWithTheSameArgumentsChangesNothing(GuestOs os) {
        FakeGuest guest = guest(os);
        FakeGuest.Run first = firstRun(os);
        assertEquals(0, first.exit(), first::toString);
        Map<String, String> before = guest.snapshot();

        FakeGuest.Run second = guest.run(allSettings(os));

        assertEquals(0, second.exit(), second::toString);
        assertEquals(List.of(), second.mutatingCalls(), second::toString);
        assertEquals(before, guest.snapshot(), "fake root changed by the second run");
        assertTrue(second.stdout().contains("[pveq] finished: nothing to change"), second::toString);
        assertEquals("root:" + FakeGuest.PASSWORD + "\n", guest.chpasswdInput(), "chpasswd ran only once");
    }
}
