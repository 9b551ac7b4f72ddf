package io.pveq.core.internal.engine;

import io.pveq.core.InvalidSpecException;
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
import io.pveq.core.internal.cluster.LockOverride;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
        return currentStatus(ctx.router().locate(vmId), vmId);
    }

    private VmStatus currentStatus(NodeName node, VmId vmId) {
        return VmStatus.fromProxmox(ctx.retry().read("status of VM " + vmId, () -> ctx.ops().status(node, vmId))
                .status());
    }

    Operation<VmOutcome> submitStart(VmId vmId, ProgressListener listener) {
        NodeName node = ctx.router().locate(vmId);
        LockGuard.check(ctx, node, vmId, LockPolicy.RESPECT, "start", false);
        return registry.submit(OperationKind.START, Optional.of(vmId), OperationCodec.spec(Map.of("vm_id",
                vmId.value())), Stage.STARTING_VM, listener, run -> {
            Instant began = ctx.clock().instant();
            GuestChannel.Target target = target(node, vmId);
            run.vm(vmId, target.address());
            run.stage(Stage.STARTING_VM, "starting VM " + vmId + " on " + node, () -> {
                if (currentStatus(node, vmId).isRunning()) {
                    return "VM " + vmId + " is already running";
                }
                ctx.retry().run("start VM " + vmId, () -> ctx.ops().start(node, vmId));
                return "VM " + vmId + " started";
            }, s -> s);
            waitForSsh(run, target);
            return finish(run, vmId, node, VmStatus.RUNNING, target, began, "VM " + vmId + " is running");
        }, OperationRegistry.PLAIN);
    }

    void stop(VmId vmId, LockPolicy locks) {
        NodeName node = ctx.router().locate(vmId);
        LockGuard.check(ctx, node, vmId, locks, "stop", true);
        registry.runShort(OperationKind.STOP, vmId, OperationCodec.spec(java.util.Map.of("vm_id", vmId.value(),
                "force", locks.skipsLock())), "stopping VM " + vmId + " on " + node, () -> {
                    if (!currentStatus(node, vmId).isRunning()) {
                        return "VM " + vmId + " was not running";
                    }
                    try {
                        ctx.retry().run("stop VM " + vmId, () -> ctx.ops().stop(node, vmId, override(locks)));
                    } catch (VmStateException e) {
                        if (!String.valueOf(e.getMessage()).contains("not running")) {
                            throw e;
                        }
                    }
                    return "VM " + vmId + " stopped";
                }, s -> s);
    }

    static LockOverride override(LockPolicy locks) {
        return locks.skipsLock() ? LockOverride.OPERATOR : LockOverride.NONE;
    }

    Operation<VmOutcome> submitShutdown(VmId vmId, Duration timeout, boolean force, ProgressListener listener) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new InvalidSpecException("timeout", "must be positive, got " + timeout);
        }
        NodeName node = ctx.router().locate(vmId);
        LockGuard.check(ctx, node, vmId, LockPolicy.RESPECT, "shutdown", false);
        return registry.submit(OperationKind.SHUTDOWN, Optional.of(vmId), OperationCodec.spec(Map.of("vm_id",
                vmId.value(), "timeout_s", timeout.toSeconds(), "force", force)), Stage.SHUTTING_DOWN_VM, listener, run -> {
            Instant began = ctx.clock().instant();
            boolean timedOut = run.stage(Stage.SHUTTING_DOWN_VM, "ACPI shutdown of VM " + vmId + " (up to "
                    + timeout.toSeconds() + "s)", () -> {
                        if (!currentStatus(node, vmId).isRunning()) {
                            return false;
                        }
                        try {
                            ctx.retry().run("shut down VM " + vmId, () -> ctx.ops().shutdown(node, vmId, timeout, false));
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
                run.stage(Stage.STOPPING_VM, "forcing VM " + vmId + " off", () -> ctx.retry().run("stop VM " + vmId,
                        () -> ctx.ops().stop(node, vmId, LockOverride.NONE)), "VM " + vmId + " stopped by force");
            }
            run.stage(Stage.FINALIZING, "checking the state", () -> { }, "VM " + vmId + " is stopped");
            return new OperationRegistry.Done<>(new VmOutcome(vmId, node, VmStatus.STOPPED, Optional.empty(),
                    Duration.between(began, ctx.clock().instant()).abs()), "VM " + vmId + " shut down");
        }, OperationRegistry.PLAIN);
    }

    Operation<VmOutcome> submitReboot(VmId vmId, ProgressListener listener) {
        NodeName node = ctx.router().locate(vmId);
        LockGuard.check(ctx, node, vmId, LockPolicy.RESPECT, "reboot", false);
        if (!currentStatus(node, vmId).isRunning()) {
            throw new VmStateException(vmId, "VM " + vmId + " is not running; start it instead");
        }
        return registry.submit(OperationKind.REBOOT, Optional.of(vmId), OperationCodec.spec(Map.of("vm_id",
                vmId.value())), Stage.REBOOTING_VM, listener, run -> {
            Instant began = ctx.clock().instant();
            GuestChannel.Target target = target(node, vmId);
            run.vm(vmId, target.address());
            run.stage(Stage.REBOOTING_VM, "rebooting VM " + vmId + " on " + node, () -> ctx.retry().run(
                    "reboot VM " + vmId, () -> ctx.ops().reboot(node, vmId, ctx.settings().timeouts().shutdown())),
                    "VM " + vmId + " rebooted");
            waitForSsh(run, target);
            return finish(run, vmId, node, VmStatus.RUNNING, target, began, "VM " + vmId + " rebooted");
        }, OperationRegistry.PLAIN);
    }

    /** @return the VM's guest as its config describes it */
    GuestChannel.Target target(NodeName node, VmId vmId) {
        return GuestChannel.Target.of(vmId, node, ctx.retry().read("config of VM " + vmId,
                () -> ctx.ops().config(node, vmId)));
    }

    void waitForSsh(OperationRun run, GuestChannel.Target target) {
        if (!ctx.guests().canReach(target)) {
            run.stage(Stage.WAITING_FOR_SSH, "looking for a way into the VM", () -> { },
                    ctx.guests().unreachableBecause(target));
            return;
        }
        String where = target.address().map(Ipv4Address::toString).orElse("VM " + target.vmId());
        run.stage(Stage.WAITING_FOR_SSH, "waiting for SSH on " + where + " (" + ctx.guests().mechanism() + ")",
                () -> GuestSteps.awaitSsh(ctx.guests(), run, target, ctx.settings().timeouts().sshReady()),
                fp -> "SSH is ready: " + target.user().orElse("?") + "@" + where);
    }

    OperationRegistry.Done<VmOutcome> finish(OperationRun run, VmId vmId, NodeName node, VmStatus status,
                                             GuestChannel.Target target, Instant began, String summary) {
        run.stage(Stage.FINALIZING, "finishing", () -> { }, summary);
        return new OperationRegistry.Done<>(new VmOutcome(vmId, node, status, target.address(),
                Duration.between(began, ctx.clock().instant()).abs()), summary);
    }
}
