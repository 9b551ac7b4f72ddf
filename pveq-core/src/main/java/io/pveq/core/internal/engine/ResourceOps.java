package io.pveq.core.internal.engine;

import io.pveq.core.CpuLevel;
import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.LockPolicy;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.Operation;
import io.pveq.core.StorageException;
import io.pveq.core.VmId;
import io.pveq.core.VmOutcome;
import io.pveq.core.VmStatus;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import io.pveq.core.internal.pve.ConfigUpdate;
import io.pveq.core.internal.cluster.LockOverride;
import io.pveq.core.internal.pve.VmConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU, memory, disk growth, migration and destroy of existing VMs, wherever they live. Values are
 * checked against the limits before anything runs. Thread-safe.
 */
final class ResourceOps {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceOps.class);

    private final EngineContext ctx;
    private final OperationRegistry registry;
    private final PowerOps power;

    ResourceOps(EngineContext ctx, OperationRegistry registry, PowerOps power) {
        this.ctx = ctx;
        this.registry = registry;
        this.power = power;
    }

    void setCpu(VmId vmId, int cpu, LockPolicy locks) {
        ctx.settings().limits().checkCpu("cpu", cpu);
        NodeName node = ctx.router().locate(vmId);
        LockGuard.check(ctx, node, vmId, locks, "set cpu", true);
        ConfigUpdate.Builder update = ConfigUpdate.builder().cores(cpu);
        if (locks.skipsLock()) {
            update.skipLock();
        }
        registry.runShort(OperationKind.SET_CPU, vmId, spec(vmId, "cpu", cpu, locks), "setting VM " + vmId + " to "
                + cpu + " cores", () -> {
                    ctx.retry().run("set the cpus of VM " + vmId, () -> ctx.ops().update(node, vmId, update.build()));
                    return "VM " + vmId + " cpu set to " + cpu;
                }, s -> s);
    }

    private static String spec(VmId vmId, String field, Object value, LockPolicy locks) {
        return OperationCodec.spec(java.util.Map.of("vm_id", vmId.value(), field, value, "force", locks.skipsLock()));
    }

    void setMemory(VmId vmId, int memoryMb, LockPolicy locks) {
        ctx.settings().limits().checkRam("memory", memoryMb);
        NodeName node = ctx.router().locate(vmId);
        VmConfig config = LockGuard.check(ctx, node, vmId, locks, "set memory", true);
        ConfigUpdate.Builder update = ConfigUpdate.builder().memoryMiB(memoryMb);
        var balloon = ctx.settings().limits().balloonFor(memoryMb);
        if (balloon.isPresent()) {
            update.balloonMiB(balloon.getAsInt());
        } else {
            // no site minimum: keep the VM's own balloon, but never above the memory (Proxmox refuses that)
            config.get("balloon").map(Integer::parseInt).filter(b -> b > memoryMb)
                    .ifPresent(b -> update.balloonMiB(memoryMb));
        }
        if (locks.skipsLock()) {
            update.skipLock();
        }
        registry.runShort(OperationKind.SET_MEMORY, vmId, spec(vmId, "memory", memoryMb, locks), "setting VM " + vmId
                + " to " + memoryMb + " MB", () -> {
                    ctx.retry().run("set the memory of VM " + vmId, () -> ctx.ops().update(node, vmId, update.build()));
                    return "VM " + vmId + " memory set to " + memoryMb + " MB";
                }, s -> s);
    }

    DiskSize growDisk(VmId vmId, DiskSize increment, LockPolicy locks) {
        NodeName node = ctx.router().locate(vmId);
        VmConfig config = LockGuard.check(ctx, node, vmId, locks, "set disk", true);
        String slot = bootDisk(config).orElseThrow(() -> new InvalidSpecException("disk", "VM " + vmId
                + " has no disk to grow"));
        DiskSize current = config.disk(slot).flatMap(VmConfig.Disk::size).orElse(DiskSize.ofBytes(0));
        DiskSize wanted = ctx.settings().limits().checkDiskGrowth("disk", current, increment);
        return registry.runShort(OperationKind.GROW_DISK, vmId, spec(vmId, "disk", increment.toProxmox(), locks),
                "growing " + slot + " of VM " + vmId + " by " + increment, () -> grow(node, vmId, config, slot, increment,
                        wanted, locks), after -> "VM " + vmId + " disk grown by " + increment + " to " + after);
    }

    private DiskSize grow(NodeName node, VmId vmId, VmConfig config, String slot, DiskSize increment, DiskSize wanted,
                          LockPolicy locks) {
        Optional<String> said = ctx.retry().call("resize VM " + vmId, () -> ctx.ops().resize(node, vmId, slot, increment,
                true, PowerOps.override(locks)));
        DiskSize after = ctx.retry().read("config of VM " + vmId, () -> ctx.ops().config(node, vmId)).disk(slot)
                .flatMap(VmConfig.Disk::size).orElse(DiskSize.ofBytes(0));
        if (after.compareTo(wanted) < 0) {
            throw new StorageException(config.disk(slot).flatMap(VmConfig.Disk::volume).map(v -> v.storage())
                    .orElse("?"), "growing " + slot + " of VM " + vmId + " by " + increment
                    + " did not take effect: Proxmox reports " + after + said.map(s -> "; the resize said: " + s)
                    .orElse(""));
        }
        said.ifPresent(s -> LOG.warn("VM {}: the resize worked but printed: {}", vmId, s));
        return after;
    }

    private static Optional<String> bootDisk(VmConfig config) {
        for (String device : config.bootOrder()) {
            Optional<VmConfig.Disk> disk = config.disk(device);
            if (disk.isPresent() && !disk.get().cdrom() && !disk.get().cloudInit()) {
                return Optional.of(device);
            }
        }
        return config.disks().stream().filter(d -> !d.cdrom() && !d.cloudInit()).map(VmConfig.Disk::slot).findFirst();
    }

    Operation<VmOutcome> submitMigrate(VmId vmId, NodeName target, ProgressListener listener) {
        List<NodeName> reachable = ctx.router().reachableNodes();
        if (!reachable.contains(target)) {
            throw new InvalidSpecException("node", "must be one of the cluster's nodes " + reachable + ", got '"
                    + target + "'");
        }
        NodeName source = ctx.router().locate(vmId);
        if (source.equals(target)) {
            throw new InvalidSpecException("node", "VM " + vmId + " already lives on " + target);
        }
        if (!ctx.router().onlineNodes().contains(target)) {
            throw new NodeUnavailableException(target.value(), "node " + target + " is offline");
        }
        LockGuard.check(ctx, source, vmId, LockPolicy.RESPECT, "migrate", false);
        return registry.submit(OperationKind.MIGRATE, Optional.of(vmId), OperationCodec.spec(java.util.Map.of("vm_id",
                vmId.value(), "source", source.value(), "target", target.value())), Stage.CHECKING_TARGET_NODE,
                listener, run -> {
            Instant began = ctx.clock().instant();
            GuestChannel.Target guest = power.target(source, vmId);
            run.vm(vmId, guest.address());
            boolean running = run.stage(Stage.CHECKING_TARGET_NODE, "checking node " + target, () -> {
                checkCpu(source, vmId, target);
                return VmStatus.fromProxmox(ctx.ops().status(source, vmId).status()).isRunning();
            }, r -> "node " + target + " can run VM " + vmId + (r ? " (running: online migration)" : ""));
            // durable for the whole stage: a process that dies in it leaves a recovery that finds the VM
            // and reports where it is (Proxmox completes or aborts the move itself; nothing is undone)
            JournalStep.Migration step = new JournalStep.Migration(vmId.value(), source.value(), target.value());
            RollbackJournal.Registration check = run.journal().registerDurable(step, () -> "");
            try {
                run.stage(Stage.MIGRATING_VM, "migrating VM " + vmId + " from " + source + " to " + target
                        + " with local disks", () -> {
                            // slots in name order, so two opposite migrations cannot wait for each other
                            NodeName first = source.compareTo(target) < 0 ? source : target;
                            NodeName second = first.equals(source) ? target : source;
                            try (ClusterRouter.Permit a = ctx.router().acquireHeavyTask(first);
                                 ClusterRouter.Permit b = ctx.router().acquireHeavyTask(second)) {
                                ctx.retry().run("migrate VM " + vmId, () -> ctx.ops().migrate(source, vmId, target,
                                        running, (line, pct) -> pct.ifPresent(p -> run.progress(Math.round(p * 100),
                                                10_000, 0))));
                            }
                        }, "VM " + vmId + " now lives on " + target);
            } finally {
                check.drop();
            }
            if (running) {
                power.waitForSsh(run, guest.on(target));
            }
            return power.finish(run, vmId, target, running ? VmStatus.RUNNING : VmStatus.STOPPED, guest, began,
                    "VM " + vmId + " migrated to " + target);
        }, OperationRegistry.PLAIN);
    }

    private void checkCpu(NodeName source, VmId vmId, NodeName target) {
        Optional<String> model = ctx.ops().config(source, vmId).cpuType();
        if (model.isEmpty()) {
            return; // kvm64, the default, runs anywhere
        }
        Optional<CpuLevel> level;
        try {
            level = Optional.of(CpuLevel.fromModel("cpu", model.get()));
        } catch (InvalidSpecException notALevel) {
            level = Optional.empty();
        }
        if (level.isPresent()) {
            CpuLevel there = ctx.cpu().nodeLevel(target);
            if (level.get().compareTo(there) > 0) {
                throw new InvalidSpecException("node", "VM " + vmId + " uses CPU type " + level.get().model()
                        + " but node " + target + " supports at most " + there.model());
            }
        }
    }

    void destroy(VmId vmId, LockPolicy locks) {
        Optional<Operation<?>> running = registry.runningFor(vmId);
        if (running.isPresent()) {
            running.get().cancel();
            try {
                running.get().result().handle((r, e) -> null).get(ctx.settings().timeouts().longCommand().toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.pveq.core.OperationCancelledException("interrupted while waiting for VM " + vmId
                        + "'s running operation to end");
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // go on: the destroy below decides
            }
            if (ctx.router().findVm(vmId).isEmpty()) {
                return; // the cancelled install rolled itself back
            }
        }
        NodeName node = ctx.router().locate(vmId);
        LockGuard.check(ctx, node, vmId, locks, "destroy", true);
        registry.runShort(OperationKind.DESTROY, vmId, OperationCodec.spec(java.util.Map.of("vm_id", vmId.value(),
                "force", locks.skipsLock())), "destroying VM " + vmId + " on " + node, () -> {
                    new VmRemoval(ctx).remove(node, vmId, PowerOps.override(locks));
                    return "VM " + vmId + " destroyed";
                }, s -> s);
        ctx.allocator().forget(vmId);
    }
}
