package io.pveq.core.internal.engine;

import io.pveq.core.GuestAccessException;
import io.pveq.core.guest.GuestAccess;
import java.time.Duration;
import java.util.Optional;

/** Waiting for a guest with progress events; shared by install, start, reboot and migrate. */
final class GuestSteps {

    private GuestSteps() {
    }

    private static GuestAccess.ReadinessListener reporting(OperationRun run) {
        return new GuestAccess.ReadinessListener() {
            @Override
            public void onAttempt(int attempt, Duration elapsed, String outcome) {
                run.readiness(attempt, outcome);
            }
        };
    }

    /**
     * Waits until the guest can be driven (SSH login, or the agent's ping), reporting each attempt.
     *
     * @return the host key fingerprint seen, if reported
     * @throws GuestAccessException when the deadline passes
     */
    static Optional<String> awaitReady(GuestChannel guests, OperationRun run, GuestChannel.Target target,
                                       Duration deadline) {
        Optional<String> fingerprint = guests.awaitReady(target, deadline, reporting(run));
        run.checkCancelled();
        return fingerprint;
    }

    /**
     * Waits until the guest accepts SSH (checked inside the guest when it is reached through the agent),
     * reporting each attempt.
     */
    static Optional<String> awaitSsh(GuestChannel guests, OperationRun run, GuestChannel.Target target,
                                     Duration deadline) {
        Optional<String> fingerprint = guests.awaitSsh(target, deadline, reporting(run));
        run.checkCancelled();
        return fingerprint;
    }
}
