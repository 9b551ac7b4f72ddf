package io.pveq.sim.internal;

import io.pveq.core.GuestAccessException;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.OutputListener;
import io.pveq.sim.internal.state.VmState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Guest SSH for simulated VMs: a guest answers at its {@code ipconfig0} address once it runs and its
 * boot delay has passed, and accepts the login only when cloud-init gave it this access's key.
 */
public final class SimGuestAccess implements GuestAccess {

    private static final Duration SCRIPT_TIME = Duration.ofSeconds(5);

    private final Engine engine;
    private final String publicKey;
    private final boolean requireKey;

    public SimGuestAccess(Engine engine, long seed, boolean requireKey) {
        this.engine = engine;
        this.requireKey = requireKey;
        byte[] key = new byte[51];
        byte[] prefix = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 32};
        System.arraycopy(prefix, 0, key, 0, prefix.length);
        java.util.Random random = new java.util.Random(seed ^ 0x6E57L);
        byte[] material = new byte[32];
        random.nextBytes(material);
        System.arraycopy(material, 0, key, prefix.length, 32);
        this.publicKey = "ssh-ed25519 " + Base64.getEncoder().encodeToString(key) + " pveq-sim";
    }

    @Override
    public String authorizedKey() {
        return publicKey;
    }

    /** What one connection attempt sees. */
    private record Probe(boolean ready, String outcome, long readyAtMillis, String fingerprint) {
    }

    private Probe probe(GuestEndpoint endpoint) {
        int vmid = endpoint.vmId().value();
        if (engine.faults().guestUnreachable(vmid)) {
            return new Probe(false, "connection timed out", -1, "");
        }
        return engine.store().read(state -> {
            VmState vm = state.vms.get(vmid);
            if (vm == null || !CloudInit.address(vm).map(endpoint.host()::equals).orElse(false)) {
                return new Probe(false, "no route to host", -1, "");
            }
            boolean nodeOnline = state.node(vm.node).map(n -> n.online).orElse(false);
            if (!vm.running() || !nodeOnline) {
                return new Probe(false, "connection timed out", -1, "");
            }
            long readyAt = vm.bootedAtMillis + engine.bootDelay().toMillis();
            if (engine.time().nowMillis() < readyAt) {
                return new Probe(false, "connection refused", readyAt, "");
            }
            if (endpoint.port() != 22) {
                return new Probe(false, "connection refused", -1, "");
            }
            String user = vm.config.getOrDefault("ciuser", "root");
            String keys = VmSettings.uriUnescape(vm.config.getOrDefault("sshkeys", ""));
            if (!user.equals(endpoint.user()) || (requireKey && !keys.contains(publicKey.split(" ")[1]))) {
                return new Probe(false, "authentication failed: Permission denied (publickey)", -1, "");
            }
            return new Probe(true, "ready", readyAt, fingerprint(vm));
        });
    }

    @Override
    public void awaitReady(GuestEndpoint endpoint, Duration deadline, ReadinessListener listener) {
        // under virtual time the deadline counts this caller's own waits (other threads move the clock too)
        boolean virtual = engine.time().isVirtual();
        long start = engine.time().nowMillis();
        long waited = 0;
        long backoff = 250;
        int attempt = 0;
        while (true) {
            attempt++;
            Probe probe = probe(endpoint);
            long now = engine.time().nowMillis();
            Duration elapsed = Duration.ofMillis(virtual ? waited : now - start);
            if (probe.ready) {
                safe(() -> listener.onReady(probe.fingerprint, elapsed));
                return;
            }
            int attemptNumber = attempt;
            safe(() -> listener.onAttempt(attemptNumber, elapsed, probe.outcome));
            long left = deadline.toMillis() - elapsed.toMillis();
            if (left <= 0) {
                throw new GuestAccessException("VM " + endpoint.vmId() + " did not accept SSH at " + endpoint
                        + " within " + deadline.toMillis() + " ms: " + probe.outcome);
            }
            long wait = backoff;
            if (virtual && probe.readyAtMillis > now) {
                wait = probe.readyAtMillis - now;
            }
            wait = Math.max(1, Math.min(wait, left));
            engine.time().pause(Duration.ofMillis(wait));
            waited += wait;
            backoff = Math.min(backoff * 2, 2000);
        }
    }

    @Override
    public int runScript(GuestEndpoint endpoint, GuestScript script, Duration timeout, OutputListener output) {
        requireReady(endpoint);
        int vmid = endpoint.vmId().value();
        Duration needed = engine.time().scaled(SCRIPT_TIME);
        if (needed.compareTo(timeout) > 0) {
            engine.time().pause(timeout);
            throw new GuestAccessException("script " + script.name() + " timed out after " + timeout.toMillis()
                    + " ms in VM " + endpoint.vmId());
        }
        int exit = engine.faults().takeScriptFailure(vmid).orElse(0);
        safe(() -> output.onLine(OutputListener.Stream.STDOUT, "[pveq-sim] running " + script.name() + " as root"));
        engine.time().pause(needed);
        if (exit != 0) {
            safe(() -> output.onLine(OutputListener.Stream.STDERR, "[pveq-sim] " + script.name()
                    + " failed with exit code " + exit));
        }
        VmState.ScriptRecord record = new VmState.ScriptRecord();
        record.name = script.name();
        record.content = script.content();
        record.arguments.addAll(script.arguments());
        record.environment.putAll(new TreeMap<>(script.environment()));
        record.secretOnStdin = script.secretStdin().map(b -> b.length > 0).orElse(false);
        record.user = endpoint.user();
        record.exitCode = exit;
        record.atMillis = engine.time().nowMillis();
        engine.store().write(state -> {
            Optional.ofNullable(state.vms.get(vmid)).ifPresent(vm -> vm.guest.scripts.add(record));
            return null;
        });
        return exit;
    }

    @Override
    public void reboot(GuestEndpoint endpoint) {
        requireReady(endpoint);
        engine.store().write(state -> {
            VmState vm = state.vms.get(endpoint.vmId().value());
            vm.bootedAtMillis = engine.time().nowMillis();
            vm.guest.boots++;
            vm.guest.guestReboots++;
            return null;
        });
    }

    private void requireReady(GuestEndpoint endpoint) {
        Probe probe = probe(endpoint);
        if (!probe.ready) {
            throw new GuestAccessException("cannot reach VM " + endpoint.vmId() + " at " + endpoint + ": "
                    + probe.outcome);
        }
    }

    private static String fingerprint(VmState vm) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("host-key-" + vm.vmid + "-"
                    + vm.config.getOrDefault("smbios1", "")).getBytes(StandardCharsets.UTF_8));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void safe(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            // listeners must not throw; ignore
        }
    }
}
