package io.pveq.core.internal.engine;

import io.pveq.core.GuestAccessException;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link GuestChannel} over SSH: the {@link GuestAccess} SPI ({@code SshGuestAccess}, the simulator's). */
final class SshChannel implements GuestChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SshChannel.class);

    private final GuestAccess access;

    SshChannel(GuestAccess access) {
        this.access = access;
    }

    private static GuestEndpoint endpoint(Target target) {
        if (target.address().isEmpty() || target.user().isEmpty()) {
            throw new GuestAccessException("VM " + target.vmId() + " has no static address or cloud-init user to reach"
                    + " over SSH");
        }
        return new GuestEndpoint(target.vmId(), target.address().get().toString(), 22, target.user().get());
    }

    @Override
    public String mechanism() {
        return "ssh";
    }

    @Override
    public Optional<String> authorizedKey() {
        return Optional.of(access.authorizedKey().strip());
    }

    @Override
    public boolean canReach(Target target) {
        return target.address().isPresent() && target.user().isPresent();
    }

    @Override
    public String unreachableBecause(Target target) {
        return "no static address or cloud-init user configured; not waiting for SSH";
    }

    @Override
    public Optional<String> awaitReady(Target target, Duration deadline, GuestAccess.ReadinessListener listener) {
        String[] fingerprint = new String[1];
        access.awaitReady(endpoint(target), deadline, new GuestAccess.ReadinessListener() {
            @Override
            public void onAttempt(int attempt, Duration elapsed, String outcome) {
                listener.onAttempt(attempt, elapsed, outcome);
            }

            @Override
            public void onReady(String hostKeyFingerprint, Duration elapsed) {
                fingerprint[0] = hostKeyFingerprint;
                listener.onReady(hostKeyFingerprint, elapsed);
            }
        });
        return Optional.ofNullable(fingerprint[0]);
    }

    @Override
    public Optional<String> awaitSsh(Target target, Duration deadline, GuestAccess.ReadinessListener listener) {
        return awaitReady(target, deadline, listener);
    }

    @Override
    public int runScript(Target target, GuestScript script, Duration timeout, OutputListener output) {
        return access.runScript(endpoint(target), script, timeout, output);
    }

    @Override
    public void reboot(Target target) {
        access.reboot(endpoint(target));
    }

    @Override
    public void forget(Target target) {
        if (!canReach(target)) {
            return;
        }
        try {
            access.forget(endpoint(target));
        } catch (RuntimeException e) {
            LOG.warn("guest access could not forget {}: {}", target.vmId(), e.toString());
        }
    }

    @Override
    public void close() {
        access.close();
    }
}
