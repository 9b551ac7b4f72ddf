package io.pveq.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.GuestAccessException;
import io.pveq.core.VmId;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Guest access against a real OpenSSH server standing in for a new VM, logging in as root. */
class SshGuestAccessTest {

    @RegisterExtension
    static final OpenSshServer SSHD = new OpenSshServer();

    @TempDir
    static Path keys;

    @TempDir
    Path temp;

    private static SshGuestAccess authorisedAccess;

    @BeforeAll
    static void authoriseTheGuestKey() throws Exception {
        authorisedAccess = SshGuestAccess.builder(keys.resolve("authorised_ed25519")).build();
        SSHD.authorize(authorisedAccess.authorizedKey());
        authorisedAccess.close();
    }

    private static SshGuestAccess access() {
        return SshGuestAccess.builder(keys.resolve("authorised_ed25519"))
                .rebootCommand(List.of("/bin/false"), Duration.ofSeconds(10)).build();
    }

    private static GuestEndpoint endpoint() {
        return new GuestEndpoint(VmId.of(101), "127.0.0.1", SSHD.port(), SSHD.user());
    }

    @Test
    void generatesAnEd25519KeyWithPrivatePermissionsThatOpenSshReads() throws Exception {
        Path file = temp.resolve("sub/guest_key");
        String line;
        try (SshGuestAccess access = SshGuestAccess.builder(file).keyComment("pveq@test").build()) {
            line = access.authorizedKey();
        }
        assertTrue(line.startsWith("ssh-ed25519 AAAA"), line);
        assertTrue(line.endsWith(" pveq@test"), line);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String derived = OpenSshServer.run("ssh-keygen", "-y", "-f", file.toString()).strip();
        assertEquals(line.substring(0, line.lastIndexOf(' ')), derived.split(" ")[0] + " " + derived.split(" ")[1]);
        assertEquals(line, Files.readString(Path.of(file + ".pub")).strip());
        try (SshGuestAccess again = SshGuestAccess.builder(file).keyComment("pveq@test").build()) {
            assertEquals(line, again.authorizedKey(), "an existing key is loaded, not replaced");
        }
    }

    @Test
    void loadsAnExistingOpenSshKey() throws Exception {
        try (SshGuestAccess access = SshGuestAccess.builder(SSHD.clientEcdsa()).build()) {
            String expected = Files.readString(Path.of(SSHD.clientEcdsa() + ".pub")).split(" ")[1];
            assertEquals(expected, access.authorizedKey().split(" ")[1]);
            access.awaitReady(endpoint(), Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
        }
    }

    @Test
    void readyGuestReportsItsHostKeyFingerprintOnFirstContact() throws Exception {
        List<String> attempts = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> fingerprint = new AtomicReference<>();
        try (SshGuestAccess access = access()) {
            access.awaitReady(endpoint(), Duration.ofSeconds(20), new GuestAccess.ReadinessListener() {
                @Override
                public void onAttempt(int attempt, Duration elapsed, String outcome) {
                    attempts.add(attempt + ":" + outcome);
                }

                @Override
                public void onReady(String hostKeyFingerprint, Duration elapsed) {
                    fingerprint.set(hostKeyFingerprint);
                }
            });
            assertEquals(List.of("1:ready"), attempts);
            List<String> hostKeys = List.of(OpenSshServer.fingerprint(SSHD.hostKeyEd25519()),
                    OpenSshServer.fingerprint(SSHD.hostKeyEcdsa()));
            assertTrue(hostKeys.contains(fingerprint.get()), fingerprint.get() + " not in " + hostKeys);
            assertEquals(Optional.of(fingerprint.get()), access.recordedHostKey(endpoint()));
        }
    }

    @Test
    void keepsTryingWhileTheKeyIsNotYetAuthorisedAndReportsEachAttempt() throws Exception {
        Path file = temp.resolve("late_key");
        List<String> attempts = Collections.synchronizedList(new ArrayList<>());
        try (SshGuestAccess access = SshGuestAccess.builder(file).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build()) {
            access.awaitReady(endpoint(), Duration.ofSeconds(30), new GuestAccess.ReadinessListener() {
                @Override
                public void onAttempt(int attempt, Duration elapsed, String outcome) {
                    attempts.add(outcome);
                    if (attempt == 2) {
                        try {
                            SSHD.authorize(access.authorizedKey());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            });
        }
        assertTrue(attempts.size() >= 3, attempts.toString());
        assertEquals("SSH up, key not yet accepted", attempts.get(0));
        assertEquals("ready", attempts.get(attempts.size() - 1));
    }

    @Test
    void deadlinePassesWithTheLastOutcomeInTheMessage() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        List<String> attempts = Collections.synchronizedList(new ArrayList<>());
        GuestEndpoint nowhere = new GuestEndpoint(VmId.of(102), "127.0.0.1", closedPort, "root");
        try (SshGuestAccess access = access()) {
            GuestAccessException thrown = assertThrows(GuestAccessException.class, () -> access.awaitReady(nowhere,
                    Duration.ofMillis(1200), new GuestAccess.ReadinessListener() {
                        @Override
                        public void onAttempt(int attempt, Duration elapsed, String outcome) {
                            attempts.add(outcome);
                        }
                    }));
            assertTrue(thrown.getMessage().contains("connection refused"), thrown.getMessage());
            assertTrue(thrown.getMessage().contains("102"), thrown.getMessage());
        }
        assertTrue(attempts.size() >= 2, "backoff from 250 ms allows several attempts: " + attempts);
        assertTrue(attempts.stream().allMatch(a -> a.contains("connection refused")), attempts.toString());
    }

    @Test
    void runsAScriptWithArgumentsEnvironmentAndSecretOnStdin() throws Exception {
        Path ran = temp.resolve("ran");
        String content = "#!/bin/bash\nset -eu\nread -r secret\n"
                + "printf 'arg:%s\\n' \"$@\"\nprintf 'tz:%s\\n' \"$PVEQ_TZ\"\n"
                + "printf 'secret-length:%s\\n' \"${#secret}\"\necho warn >&2\ntouch \"$1\"\nexit 3\n";
        GuestScript script = new GuestScript("test.sh", content,
                List.of(ran.toString(), "two words", "$(touch /tmp/pveq-pwned)"), Map.of("PVEQ_TZ", "Europe/Berlin"),
                Optional.of("hunter2 'x'\n".getBytes(StandardCharsets.UTF_8)));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (SshGuestAccess access = access()) {
            int exit = access.runScript(endpoint(), script, Duration.ofSeconds(30),
                    (stream, line) -> lines.add(stream + ":" + line));
            assertEquals(3, exit);
        }
        assertTrue(Files.exists(ran));
        assertFalse(Files.exists(Path.of("/tmp/pveq-pwned")));
        assertTrue(lines.containsAll(List.of("STDOUT:arg:" + ran, "STDOUT:arg:two words",
                "STDOUT:arg:$(touch /tmp/pveq-pwned)", "STDOUT:tz:Europe/Berlin", "STDOUT:secret-length:11",
                "STDERR:warn")), lines.toString());
        try (var leftovers = Files.list(Path.of("/tmp"))) {
            assertTrue(leftovers.noneMatch(p -> p.getFileName().toString().startsWith("pveq-script.")),
                    "the uploaded script was not removed");
        }
    }

    @Test
    void scriptTimeoutKillsItAndIsAGuestAccessFailure() throws Exception {
        Path pidFile = temp.resolve("pid");
        GuestScript script = new GuestScript("slow.sh", "echo $$ > \"$1\"\nexec sleep 60\n", List.of(pidFile.toString()),
                Map.of(), Optional.empty());
        try (SshGuestAccess access = access()) {
            GuestAccessException thrown = assertThrows(GuestAccessException.class,
                    () -> access.runScript(endpoint(), script, Duration.ofSeconds(1), null));
            assertTrue(thrown.getMessage().contains("slow.sh"), thrown.getMessage());
        }
        SshCommandTransportTest.awaitGone(Long.parseLong(Files.readString(pidFile).strip()));
    }

    @Test
    void rebootReturnsOnceTheConnectionIsGoneAndTheGuestIsReadyAgainAfterwards() throws Exception {
        Path fakeReboot = SSHD.binDir().resolve("pveq-fake-reboot");
        // drops this SSH connection shortly after answering, as a rebooting guest does
        Files.writeString(fakeReboot, "#!/bin/sh\n(sleep 0.3; kill -TERM \"$PPID\") >/dev/null 2>&1 &\nexit 0\n");
        fakeReboot.toFile().setExecutable(true);
        try (SshGuestAccess access = SshGuestAccess.builder(keys.resolve("authorised_ed25519"))
                .rebootCommand(List.of(fakeReboot.toString()), Duration.ofSeconds(20)).build()) {
            access.awaitReady(endpoint(), Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
            access.reboot(endpoint());
            access.awaitReady(endpoint(), Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
            assertEquals(0, access.runScript(endpoint(), new GuestScript("true.sh", "true\n", List.of(), Map.of(),
                    Optional.empty()), Duration.ofSeconds(20), null));
        }
    }

    @Test
    void refusedRebootIsReported() {
        try (SshGuestAccess access = access()) {
            GuestAccessException thrown = assertThrows(GuestAccessException.class, () -> access.reboot(endpoint()));
            assertTrue(thrown.getMessage().contains("refused"), thrown.getMessage());
        }
    }
}
