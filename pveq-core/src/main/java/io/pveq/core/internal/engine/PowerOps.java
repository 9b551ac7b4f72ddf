package io.pveq.core.internal.engine;

import io.pveq.core.Ipv4Address;
import io.pveq.core.LockPolicy;
import io.pveq.core.NodeName;
import io.pveq.core.Operation;
import io.pveq.core.VmId;
import io.pveq.core.VmOutcome;
import io.pveq.core.VmStateException;
import io.pveq.core.VmStatus;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.internal.pve.PveNode;
import io.pveq.core.internal.pve.VmConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Status, start, stop, shutdown and reboot of existing VMs, on whatever node each lives on (looked
 * up fresh for every call). Long ones run as operations, at most one per VM. Thread-safe.
 */
final class PowerOps {

    private final EngineContext ctx;
    private final OperationRegistry registry;

    PowerOps(EngineContext ctx, OperationRegistry registry) {
        this.ctx = ctx;
        this.registry = registry;
    }

    VmStatus status(VmId vmId) {
        NodeName node = ctx.router().locate(vmId);
        return currentStatus(ctx.router().pve(node), vmId);
    }

    private VmStatus currentStatus(PveNode pve, VmId vmId) {
        return VmStatus.fromProxmox(ctx.retry().read("qm status " + vmId, () -> pve.status(vmId)).status());
    }

    Operation<VmOutcome> submitStart(VmId vmId, ProgressListener listener) {
        NodeName node = ctx.router().locate(vmId);
        LockGuard.check(ctx, ctx.router().pve(node), vmId, LockPolicy.RESPECT, "start", false);
        return registry.submit(OperationKind.START, Optional.of(vmId), OperationCodec.spec(java.util.Map.of("vm_id",
                vmId.value())), Stage.STARTING_VM, listener, run -> {
            Instant began = ctx.clock().instant();
            PveNode pve = ctx.router().pve(node);
            SshTarget target = SshTarget.of(ctx, pve, vmId);
            run.vm(vmId, target.address());
            run.stage(Stage.STARTING_VM, "starting VM " + vmId + " on " + node, () -> {
                if (currentStatus(pve, vmId).isRunning()) {
                    return "VM " + vmId + " is already running";
                }
                ctx.retry().run("qm start " + vmId, () -> pve.start(vmId));
                return "VM " + vmId + " started";
            }, s -> s);
            waitForSsh(run, target);
            return finish(run, vmId, node, VmStatus.RUNNING, target, began, "VM " + vmId + " is running");
        }, OperationRegistry.PLAIN);
    }

    void stop(VmId vmId, LockPolicy locks) {
        NodeName node = ctx.router().locate(vmId);
        PveNode pve = ctx.router().pve(node);
        LockGuard.check(ctx, pve, vmId, locks, "stop", true);
        registry.runShort(OperationKind.STOP, vmId, OperationCodec.spec(java.util.Map.of("vm_id", vmId.value(),
                "force", locks.skipsLock())), "stopping VM " + vmId + " on " + node, () -> {
                    if (!currentStatus(pve, vmId).isRunning()) {
                        return "VM " + vmId + " was not running";
                    }
                    try {
                        ctx.retry().run("qm stop " + vmId, () -> pve.stop(vmId, locks.skipsLock()));
                    } catch (VmStateException e) {
                        if (!String.valueOf(e.getMessage()).contains("not running")) {
                            throw e;
                        }
                    }
                    return "VM " + vmId + " stopped";
                }, s -> s);
    }

    Operation<VmOutcome> submitShutdown(VmId vmId, Duration timeout, boolean force, ProgressListener listener) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new io.pveq.core.InvalidSpecException("timeout", "must be positive, got " + timeout);
        }
        NodeName node = ctx.router().locate(vmId);
        LockGuard.check(ctx, ctx.router().pve(node), vmId, LockPolicy.RESPECT, "shutdown", false);
        return registry.submit(OperationKind.SHUTDOWN, Optional.of(vmId), OperationCodec.spec(java.util.Map.of("vm_id",
                vmId.value(), "timeout_s", timeout.toSeconds(), "force", force)), Stage.SHUTTING_DOWN_VM, listener, run -> {
            Instant began = ctx.clock().instant();
            PveNode pve = ctx.router().pve(node);
            boolean timedOut = run.stage(Stage.SHUTTING_DOWN_VM, "ACPI shutdown of VM " + vmId + " (up to "
                    + timeout.toSeconds() + "s)", () -> {
                        if (!currentStatus(pve, vmId).isRunning()) {
                            return false;
                        }
                        try {
                            ctx.retry().run("qm shutdown " + vmId, () -> pve.shutdown(vmId, timeout, false));
                            return false;
                        } catch (VmStateException e) {
                            if (String.valueOf(e.getMessage()).contains("got timeout") && force) {
                                return true;
                            }
                            if (String.valueOf(e.getMessage()).contains("got timeout")) {
                                throw new VmStateException(vmId, "VM " + vmId + " did not power off within "
                                        + timeout.toSeconds() + "s; ask for a forced stop");
                            }
                            throw e;
                        }
                    }, t -> t ? "VM " + vmId + " ignored the shutdown request" : "VM " + vmId + " is stopped");
            if (timedOut) {
                run.stage(Stage.STOPPING_VM, "forcing VM " + vmId + " off", () -> ctx.retry().run("qm stop " + vmId,
                        () -> pve.stop(vmId, false)), "VM " + vmId + " stopped by force");
            }
            run.stage(Stage.FINALIZING, "checking the state", () -> { }, "VM " + vmId + " is stopped");
            return new OperationRegistry.Done<>(new VmOutcome(vmId, node, VmStatus.STOPPED, Optional.empty(),
                    Duration.between(began, ctx.clock().instant()).abs()), "VM " + vmId + " shut down");
        }, OperationRegistry.PLAIN);
    }

    Operation<VmOutcome> submitReboot(VmId vmId, ProgressListener listener) {
        NodeName node = ctx.router().locate(vmId);
        PveNode pve = ctx.router().pve(node);
        LockGuard.check(ctx, pve, vmId, LockPolicy.RESPECT, "reboot", false);
        if (!currentStatus(pve, vmId).isRunning()) {
            throw new VmStateException(vmId, "VM " + vmId + " is not running; start it instead");
        }
        return registry.submit(OperationKind.REBOOT, Optional.of(vmId), OperationCodec.spec(java.util.Map.of("vm_id",
                vmId.value())), Stage.REBOOTING_VM, listener, run -> {
            Instant began = ctx.clock().instant();
            SshTarget target = SshTarget.of(ctx, pve, vmId);
            run.vm(vmId, target.address());
            run.stage(Stage.REBOOTING_VM, "rebooting VM " + vmId + " on " + node, () -> ctx.retry().run(
                    "qm reboot " + vmId, () -> pve.reboot(vmId, ctx.settings().timeouts().shutdown())),
                    "VM " + vmId + " rebooted");
            waitForSsh(run, target);
            return finish(run, vmId, node, VmStatus.RUNNING, target, began, "VM " + vmId + " rebooted");
        }, OperationRegistry.PLAIN);
    }

    void waitForSsh(OperationRun run, SshTarget target) {
        if (target.endpoint().isEmpty()) {
            run.stage(Stage.WAITING_FOR_SSH, "looking for the VM's address", () -> { },
                    "no static address or cloud-init user configured; not waiting for SSH");
            return;
        }
        GuestEndpoint endpoint = target.endpoint().get();
        run.stage(Stage.WAITING_FOR_SSH, "waiting for SSH on " + endpoint.host(),
                () -> GuestSteps.awaitSsh(ctx.guests(), run, endpoint, ctx.settings().timeouts().sshReady()),
                fp -> "SSH is ready: " + endpoint.user() + "@" + endpoint.host());
    }

    OperationRegistry.Done<VmOutcome> finish(OperationRun run, VmId vmId, NodeName node, VmStatus status,
                                             SshTarget target, Instant began, String summary) {
        run.stage(Stage.FINALIZING, "finishing", () -> { }, summary);
        return new OperationRegistry.Done<>(new VmOutcome(vmId, node, status, target.address(),
                Duration.between(began, ctx.clock().instant()).abs()), summary);
    }

    /** Where SSH on a VM answers: its static address and cloud-init user from its config. */
    record SshTarget(Optional<Ipv4Address> address, Optional<GuestEndpoint> endpoint) {

        static SshTarget of(EngineContext ctx, PveNode pve, VmId vmId) {
            VmConfig config = ctx.retry().read("qm config " + vmId, () -> pve.config(vmId));
            Optional<Ipv4Address> ip = config.get("ipconfig0").flatMap(v -> ConfiguredAddresses.addressesOf(
                    new VmConfig(java.util.Map.of("ipconfig0", v))).stream().findFirst());
            Optional<String> user = config.get("ciuser");
            Optional<GuestEndpoint> endpoint = ip.isPresent() && user.isPresent()
                    ? Optional.of(new GuestEndpoint(vmId, ip.get().toString(), 22, user.get())) : Optional.empty();
            return new SshTarget(ip, endpoint);
        }
    }
}
