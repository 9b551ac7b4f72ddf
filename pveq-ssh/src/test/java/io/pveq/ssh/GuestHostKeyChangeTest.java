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
}
