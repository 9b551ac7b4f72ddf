package io.pveq.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.GuestAccessException;
import io.pveq.core.VmId;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.testing.TestPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guest access as a cloud-init style non-root user with password-less sudo. Needs root (to create
 * the user {@value #USER} and a sudoers drop-in, both removed afterwards), skipped otherwise; fails at
 * once without {@code sudo} or {@code useradd}.
 */
class SudoGuestAccessTest {

    private static final String USER = "pveqguest";
    private static final Path SUDOERS = Path.of("/etc/sudoers.d/pveq-test-" + USER);

    @RegisterExtension
    static final OpenSshServer SSHD = new OpenSshServer().allowPasswords();

    private static final String PASSWORD = "pveq test pa$$word 'q'";

    @TempDir
    static Path shared;

    private static boolean createdUser;

    @BeforeAll
    static void createSudoUser() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create a test user");
        TestPeer.SUDO.require();
        TestPeer.USERADD.require();
        if (new ProcessBuilder("id", USER).start().waitFor() != 0) {
            OpenSshServer.run("useradd", "--create-home", "--shell", "/bin/sh", USER);
            // a new account's password is locked ("!"), and sshd without PAM refuses locked accounts
            // even for key logins; "*" means no password, not locked
            OpenSshServer.run("usermod", "--password", "*", USER);
            createdUser = true;
            Process chpasswd = new ProcessBuilder("chpasswd").start();
            try (var in = chpasswd.getOutputStream()) {
                in.write((USER + ":" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (chpasswd.waitFor() != 0) {
                throw new IllegalStateException("chpasswd failed");
            }
        }
        Files.writeString(SUDOERS, USER + " ALL=(ALL) NOPASSWD:ALL\n");
        Files.setPosixFilePermissions(SUDOERS, java.nio.file.attribute.PosixFilePermissions.fromString("r--r-----"));
        SSHD.allowOtherUsers();
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterAll
    static void removeSudoUser() throws Exception {
        Files.deleteIfExists(SUDOERS);
        if (createdUser) {
            // the user's sshd session processes may still be ending: userdel refuses while they run
            SSHD.killConnections();
            for (int attempt = 0; ; attempt++) {
                try {
                    OpenSshServer.run("userdel", "--remove", USER);
                    return;
                } catch (java.io.IOException stillInUse) {
                    if (attempt == 50) {
                        throw stillInUse;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    private static GuestEndpoint endpoint() {
        return new GuestEndpoint(VmId.of(201), "127.0.0.1", SSHD.port(), USER);
    }

    @Test
    void scriptRunsAsRootThroughSudoWithSecretOnStdin() throws Exception {
        String content = "#!/bin/sh\nread -r secret\necho \"uid:$(id -u)\"\necho \"login:$SUDO_USER\"\n"
                + "echo \"arg:$1\"\necho \"env:$PVEQ_MODE\"\n[ \"$secret\" = 's3cr3t pass' ] && echo secret-ok\n";
        GuestScript script = new GuestScript("init.sh", content, List.of("a b;c"), Map.of("PVEQ_MODE", "x y"),
                Optional.of("s3cr3t pass\n".getBytes(StandardCharsets.UTF_8)));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (SshGuestAccess access = SshGuestAccess.builder(SSHD.clientEd25519()).build()) {
            access.awaitReady(endpoint(), Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
            assertEquals(0, access.runScript(endpoint(), script, Duration.ofSeconds(30), (s, l) -> lines.add(l)));
        }
        assertEquals(List.of("uid:0", "login:" + USER, "arg:a b;c", "env:x y", "secret-ok"), lines);
    }

    @Test
    void passwordLoginWorksWithoutAnyKey() {
        Assumptions.assumeTrue(createdUser, "the password is only set on a user this test created");
        try (SshCommandTransport transport = SshCommandTransport.builder("127.0.0.1").port(SSHD.port()).user(USER)
                .password(PASSWORD.toCharArray()).hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHosts())).build()) {
            assertEquals(USER + "\n", transport.run(List.of("id", "-un")).stdout());
        }
        try (SshCommandTransport wrong = SshCommandTransport.builder("127.0.0.1").port(SSHD.port()).user(USER)
                .password("wrong".toCharArray()).hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHosts()))
                .authTimeout(Duration.ofSeconds(10)).build()) {
            io.pveq.core.transport.TransportException thrown = assertThrows(
                    io.pveq.core.transport.TransportException.class, () -> wrong.run(List.of("true")));
            assertTrue(thrown.getMessage().contains("refused"), thrown.getMessage());
            assertTrue(!thrown.getMessage().contains("wrong"), "the password must not appear in messages");
        }
    }

    @Test
    void timeoutKillsTheRootProcessToo() throws Exception {
        Path pidFile = shared.resolve("pid");
        GuestScript script = new GuestScript("slow.sh", "echo $$ > \"$1\"\nexec sleep 60\n", List.of(pidFile.toString()),
                Map.of(), Optional.empty());
        try (SshGuestAccess access = SshGuestAccess.builder(SSHD.clientEd25519()).build()) {
            assertThrows(GuestAccessException.class,
                    () -> access.runScript(endpoint(), script, Duration.ofSeconds(1), null));
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertTrue(ProcessHandle.of(pid).map(h -> h.info().user().orElse("")).orElse("root").equals("root"));
        SshCommandTransportTest.awaitGone(pid);
    }
}
