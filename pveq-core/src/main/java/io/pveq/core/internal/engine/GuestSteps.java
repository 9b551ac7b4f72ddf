package io.pveq.core.internal.engine;

import io.pveq.core.GuestAccessException;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** Waiting for SSH with progress events; shared by install, start, reboot and migrate. */
final class GuestSteps {

    private GuestSteps() {
    }

    /**
     * Waits until the guest accepts SSH, reporting each attempt in the current stage.
     *
     * @return the host key fingerprint seen, if reported
     * @throws GuestAccessException when the deadline passes
     */
    static Optional<String> awaitSsh(GuestAccess guests, OperationRun run, GuestEndpoint endpoint, Duration deadline) {
        AtomicReference<String> fingerprint = new AtomicReference<>();
        guests.awaitReady(endpoint, deadline, new GuestAccess.ReadinessListener() {
            @Override
            public void onAttempt(int attempt, Duration elapsed, String outcome) {
                run.readiness(attempt, outcome);
            }

            @Override
            public void onReady(String hostKeyFingerprint, Duration elapsed) {
                fingerprint.set(hostKeyFingerprint);
            }
        });
        run.checkCancelled();
        return Optional.ofNullable(fingerprint.get());
    }
}
