package io.pveq.sim.internal.qemu;

import io.pveq.core.GuestAccessException;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Guest access for real guests: real SSH through the given access, and a readiness timeout that
 * says what the guest's serial console showed last (a guest that never boots names why: "No bootable
 * device", a kernel panic, cloud-init errors).
 */
public final class RealGuestAccess implements GuestAccess {

    private static final int TAIL_LINES = 15;

    private final GuestAccess ssh;
    private final Supplier<Optional<QemuGuests>> qemu;

    public RealGuestAccess(GuestAccess ssh, Supplier<Optional<QemuGuests>> qemu) {
        this.ssh = ssh;
        this.qemu = qemu;
    }

    @Override
    public String authorizedKey() {
        return ssh.authorizedKey();
    }

    @Override
    public void awaitReady(GuestEndpoint endpoint, Duration deadline, ReadinessListener listener) {
        try {
            ssh.awaitReady(endpoint, deadline, listener);
        } catch (GuestAccessException e) {
            Optional<String> tail = qemu.get().flatMap(q -> q.serialTail(endpoint.vmId().value(), TAIL_LINES));
            if (tail.isEmpty()) {
                throw e;
            }
            throw new GuestAccessException(e.getMessage() + "; serial console of VM " + endpoint.vmId()
                    + " (last lines):\n" + tail.get(), e);
        }
    }

    @Override
    public int runScript(GuestEndpoint endpoint, GuestScript script, Duration timeout, OutputListener output) {
        return ssh.runScript(endpoint, script, timeout, output);
    }

    @Override
    public void reboot(GuestEndpoint endpoint) {
        ssh.reboot(endpoint);
    }

    @Override
    public void forget(GuestEndpoint endpoint) {
        ssh.forget(endpoint);
    }

    @Override
    public void close() {
        ssh.close();
    }
}
