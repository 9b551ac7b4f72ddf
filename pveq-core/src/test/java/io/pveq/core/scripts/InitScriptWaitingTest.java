package io.pveq.core.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Waiting politely for cloud-init and other package managers, and how failures end. */
class InitScriptWaitingTest {

    @TempDir
    Path tmp;

    /** A /proc/locks line saying pid 4242 holds a POSIX lock on the file (device and inode as the kernel prints them). */
    private static String procLocksLine(Path file) throws IOException {
        long dev = (Long) Files.getAttribute(file, "unix:dev");
        long ino = (Long) Files.getAttribute(file, "unix:ino");
        long major = (dev >>> 8) & 0xfff;
        long minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
        return String.format("1: POSIX  ADVISORY  WRITE 4242 %02x:%02x:%d 0 EOF%n", major, minor, ino);
    }

    @Test
    void givesUpWhenDpkgStaysLockedPastTheDeadlineWithoutTouchingIt() throws IOException {
        FakeGuest guest = new FakeGuest(GuestOs.DEBIAN_11, tmp);
        guest.write("proc/locks", procLocksLine(guest.root.resolve("var/lib/dpkg/lock-frontend")));

        FakeGuest.Run run = guest.run(List.of("--lock-timeout", "1"));

        assertEquals(4, run.exit(), run::toString);
        assertTrue(run.stdout().contains("waiting for another package manager to finish: lock /var/lib/dpkg/lock-frontend (pid 4242)"),
                run::toString);
        assertTrue(run.stderr().contains("package manager still busy after 1 s (--lock-timeout)"), run::toString);
        assertEquals(List.of(), run.callsOf("apt-get"), run::toString);
    }

    @Test
    void givesUpWhenDnfStaysLockedPastTheDeadline() {
        FakeGuest guest = new FakeGuest(GuestOs.ROCKY_9, tmp);
        guest.write("var/lib/dnf/rpmdb_lock.pid", "4242\n");
        guest.write("proc/4242/cmdline", "dnf");

        FakeGuest.Run run = guest.run(List.of(), Map.of("PVEQ_LOCK_TIMEOUT", "1"), "", line -> { });

        assertEquals(4, run.exit(), run::toString);
        assertTrue(run.stderr().contains("still busy after 1 s (PVEQ_LOCK_TIMEOUT): lock /var/lib/dnf/rpmdb_lock.pid (pid 4242)"),
                run::toString);
        assertEquals(List.of(), run.callsOf("dnf"), run::toString);
    }

    @Test
    void proceedsOnceTheOtherPackageManagerReleasesTheLock() throws IOException {
        FakeGuest guest = new FakeGuest(GuestOs.UBUNTU_20_04, tmp);
        guest.write("proc/locks", procLocksLine(guest.root.resolve("var/lib/dpkg/lock")));
        AtomicBoolean released = new AtomicBoolean();

        FakeGuest.Run run = guest.run(List.of(), Map.of(), "", line -> {
            if (line.contains("waiting for another package manager") && !released.getAndSet(true)) {
                guest.write("proc/locks", "");
            }
        });

        assertTrue(released.get(), run::toString);
        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.called(InitScriptRunTest.aptGet("install", "qemu-guest-agent").toArray(String[]::new)), run::toString);
    }

    @Test
    void givesUpWhenCloudInitIsStillRunningAtTheDeadline() {
        FakeGuest guest = new FakeGuest(GuestOs.DEBIAN_12, tmp);
        guest.flag("cloud-init-hang");
        Map<String, String> before = guest.snapshot();

        FakeGuest.Run run = guest.run(List.of("--cloud-init-timeout", "1", "--timezone", "Europe/Berlin"));

        assertEquals(4, run.exit(), run::toString);
        assertTrue(run.stderr().contains("cloud-init still running after 1 s (--cloud-init-timeout)"), run::toString);
        assertTrue(run.called("cloud-init", "status", "--wait"), run::toString);
        assertEquals(List.of(), run.mutatingCalls(), run::toString);
        assertEquals(before, guest.snapshot());
    }

    @Test
    void warnsAboutCloudInitErrorsAndCarriesOn() throws IOException {
        FakeGuest guest = new FakeGuest(GuestOs.ROCKY_8, tmp);
        Files.writeString(guest.state.resolve("cloud-init-rc"), "2");

        FakeGuest.Run run = guest.run(List.of());

        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.stderr().contains("WARNING: cloud-init finished with errors (status exit 2); continuing"), run::toString);
        assertTrue(run.called("dnf", "-y", "-q", "install", "qemu-guest-agent"), run::toString);
    }

    @ParameterizedTest
    @EnumSource(value = GuestOs.class, names = {"DEBIAN_12", "ROCKY_9"})
    void aPackageThatCannotBeInstalledEndsTheRunWithExitOneNamingTheStep(GuestOs os) {
        FakeGuest guest = new FakeGuest(os, tmp);

        FakeGuest.Run run = guest.run(List.of("--packages", "missing-tool", "--timezone", "Europe/Berlin"));

        assertEquals(1, run.exit(), run::toString);
        assertTrue(run.stderr().contains("[pveq] ERROR: step \"installing packages\": command failed (exit 100)"), run::toString);
        assertTrue(run.stderr().contains("missing-tool"), run::toString);
        assertFalse(run.called("timedatectl", "set-timezone", "Europe/Berlin"), "later steps do not run");
    }

    @Test
    void withoutAnAgentChannelTheAgentIsEnabledAndAWarningSaysWhy() throws IOException {
        FakeGuest guest = new FakeGuest(GuestOs.DEBIAN_12, tmp);
        Files.delete(guest.root.resolve("dev/virtio-ports/org.qemu.guest_agent.0"));

        FakeGuest.Run run = guest.run(List.of());

        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.called("systemctl", "enable", "qemu-guest-agent"), run::toString);
        assertFalse(run.called("systemctl", "enable", "--now", "qemu-guest-agent"), run::toString);
        assertTrue(run.stderr().contains("the VM has no QEMU guest agent channel yet"), run::toString);
    }

    @ParameterizedTest
    @EnumSource(value = GuestOs.class, names = {"DEBIAN_11", "ROCKY_10"})
    void aLaterMirrorReplacesTheEarlierOneStartingFromTheOriginalSources(GuestOs os) {
        FakeGuest guest = new FakeGuest(os, tmp);
        String file = os.apt() ? "etc/apt/sources.list" : "etc/yum.repos.d/rocky.repo";
        String original = guest.read(file);

        assertEquals(0, guest.run(List.of("--mirror", "http://first.example/" + os.id)).exit());
        FakeGuest.Run second = guest.run(List.of("--mirror", "http://second.example/" + os.id + "/"));

        assertEquals(0, second.exit(), second::toString);
        String text = guest.read(file);
        assertTrue(text.contains("http://second.example/" + os.id + (os.apt() ? " " : "/$releasever/")), text);
        assertFalse(text.contains("first.example"), text);
        assertEquals(original, guest.read("var/lib/pveq/orig/" + file), "the original is kept");
    }
}
