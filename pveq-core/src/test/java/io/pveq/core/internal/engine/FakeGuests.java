package io.pveq.core.internal.engine;

import io.pveq.core.GuestAccessException;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.internal.pve.SshKeys;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Guests of a {@link FakePve}: a guest answers SSH when its VM runs, the endpoint is the VM's
 * ipconfig0 address, the user is its ciuser and its sshkeys hold {@link #KEY}. Never sleeps:
 * a guest that would not answer fails at once.
 */
final class FakeGuests implements GuestAccess {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMt3QFAeGFp2rv3QG9yHpqZ6kqB7z7B0mjbT4P8rk1cZ pveq";

    private final FakePve pve;
    final List<GuestScript> scripts = new CopyOnWriteArrayList<>();
    final List<GuestEndpoint> reboots = new CopyOnWriteArrayList<>();
    final List<GuestEndpoint> ready = new CopyOnWriteArrayList<>();
    volatile int scriptExit;
    volatile boolean unreachable;
    volatile boolean rebootFails;
    /** When set, awaitReady blocks on it (interruptibly) before answering. */
    volatile CountDownLatch gate;
    final CountDownLatch waiting = new CountDownLatch(1);

    FakeGuests(FakePve pve) {
        this.pve = pve;
    }

    @Override
    public String authorizedKey() {
        return KEY;
    }

    @Override
    public void awaitReady(GuestEndpoint endpoint, Duration deadline, ReadinessListener listener) {
        CountDownLatch g = gate;
        if (g != null) {
            waiting.countDown();
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GuestAccessException("interrupted while waiting for " + endpoint);
            }
        }
        listener.onAttempt(1, Duration.ZERO, "connection refused");
        FakePve.Vm vm = pve.vm(endpoint.vmId().value());
        if (unreachable || vm == null || !vm.status.equals("running")) {
            throw new GuestAccessException("VM " + endpoint.vmId() + " did not answer SSH within " + deadline);
        }
        String ip = vm.config.getOrDefault("ipconfig0", "");
        String user = vm.config.get("ciuser");
        String keys = SshKeys.decode(vm.config.getOrDefault("sshkeys", ""));
        if (!ip.startsWith("ip=" + endpoint.host() + "/") || !endpoint.user().equals(user) || !keys.contains(KEY)) {
            throw new GuestAccessException("guest " + endpoint + " does not accept the login (ipconfig0=" + ip
                    + ", ciuser=" + user + ")");
        }
        ready.add(endpoint);
        listener.onReady("SHA256:fake", Duration.ZERO);
    }

    @Override
    public int runScript(GuestEndpoint endpoint, GuestScript script, Duration timeout, OutputListener output) {
        scripts.add(script);
        output.onLine(OutputListener.Stream.STDOUT, "[pveq] running " + script.name());
        return scriptExit;
    }

    @Override
    public void reboot(GuestEndpoint endpoint) {
        if (rebootFails) {
            throw new GuestAccessException("connection to " + endpoint + " lost before the reboot was requested");
        }
        reboots.add(endpoint);
    }
}
