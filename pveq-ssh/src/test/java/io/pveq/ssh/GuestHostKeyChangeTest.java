package io.pveq.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.GuestAccessException;
import io.pveq.core.VmId;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Trust on first use: a guest whose host key changes is refused until forgotten. Own sshd: it is restarted. */
class GuestHostKeyChangeTest {

    @RegisterExtension
    static final OpenSshServer SSHD = new OpenSshServer();

    @TempDir
    Path temp;

    @Test
    void changedGuestHostKeyIsRefusedUntilTheEndpointIsForgotten() throws Exception {
        try (SshGuestAccess access = SshGuestAccess.builder(SSHD.clientEd25519()).build()) {
            GuestEndpoint guest = new GuestEndpoint(VmId.of(150), "127.0.0.1", SSHD.port(), SSHD.user());
            access.awaitReady(guest, Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
            String first = access.recordedHostKey(guest).orElseThrow();

            SSHD.restartWithNewHostKeys();
            GuestAccessException refused = assertThrows(GuestAccessException.class,
                    () -> access.awaitReady(guest, Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE));
            assertTrue(refused.getMessage().contains(first), refused.getMessage());
            assertTrue(refused.getMessage().contains("CHANGED"), refused.getMessage());
            assertEquals(first, access.recordedHostKey(guest).orElseThrow());

            access.forget(guest);
            access.awaitReady(guest, Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
            assertNotEquals(first, access.recordedHostKey(guest).orElseThrow());
        }
    }

    @Test
    void aVmRecreatedAtTheSameEndpointIsAcceptedAfterTheEngineForgetsIt() throws Exception {
        try (SshGuestAccess ssh = SshGuestAccess.builder(SSHD.clientEd25519()).build()) {
            GuestAccess access = ssh; // the engine sees only the SPI
            GuestEndpoint first = new GuestEndpoint(VmId.of(151), "127.0.0.1", SSHD.port(), SSHD.user());
            access.awaitReady(first, Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
            String oldKey = ssh.recordedHostKey(first).orElseThrow();

            access.forget(first); // VM 151 destroyed
            SSHD.restartWithNewHostKeys(); // a new VM 151 at the same address
            GuestEndpoint second = new GuestEndpoint(VmId.of(151), "127.0.0.1", SSHD.port(), SSHD.user());
            access.awaitReady(second, Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
            assertNotEquals(oldKey, ssh.recordedHostKey(first).orElseThrow());
        }
    }

    @Test
    void keepsNoConnectionOrItsThreadOnceAGuestOperationHasEnded() throws Exception {
        try (SshGuestAccess access = SshGuestAccess.builder(SSHD.clientEd25519()).build()) {
            GuestEndpoint guest = new GuestEndpoint(VmId.of(152), "127.0.0.1", SSHD.port(), SSHD.user());
            access.awaitReady(guest, Duration.ofSeconds(20), GuestAccess.ReadinessListener.NONE);
            int exit = access.runScript(guest, new io.pveq.core.guest.GuestScript("probe.sh", "#!/bin/sh\nexit 3\n",
                    java.util.List.of(), java.util.Map.of(), java.util.Optional.empty()), Duration.ofSeconds(20), (stream, line) -> { });
            assertEquals(3, exit);

            assertEquals(0, access.cachedConnections(), "no pooled connection outlives the operation");
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                // sshj names each connection's reader thread after the peer
                if (thread.getName().startsWith("sshj-Reader") && thread.getName().contains(":" + SSHD.port() + "-")) {
                    thread.join(10_000);
                    assertTrue(!thread.isAlive(), "connection thread still running: " + thread.getName());
                }
            }
            assertTrue(access.recordedHostKey(guest).isPresent(), "the host key stays recorded");
        }
    }
}
