package io.pveq.core.internal.engine;

import io.pveq.core.DiskSize;
import io.pveq.core.IpPoolExhaustedException;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeName;
import io.pveq.core.StorageException;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.event.Stage;
import io.pveq.core.internal.cluster.LockOverride;
import io.pveq.core.internal.cluster.NewVm;
import io.pveq.core.internal.cluster.PlacedImage;
import io.pveq.core.internal.pve.ConfigUpdate;
import io.pveq.core.internal.pve.CreateVmSpec;
import io.pveq.core.internal.pve.IpConfig;
import io.pveq.core.internal.pve.VmConfig;
import io.pveq.core.internal.pve.VolumeId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The VM-building stages of an install: the create (the VMID claim, retried on the next candidate
 * when another creator won), the disk import on the target node, the configuration (disk attached by
 * the volume Proxmox reported, boot order, size grown and verified) and the placement check.
 * Written once for both dialects, against {@link io.pveq.core.internal.cluster.ProxmoxOps}.
 */
final class VmBuild {

    /** A created and configured VM. */
    record Built(VmId vmId, String name, NodeName node, Ipv4Cidr address, DiskSize disk) {
    }

    private record Claimed(VmId vmId, String name, Ipv4Cidr address, int attempts) {
    }

    private final EngineContext ctx;
    private final OperationRun run;
    private final InstallPipeline.Plan plan;
    private final InstallPipeline.LeaseHolder leases;
    private final NodeName node;
    private final VmRemoval removal;
    private final JournalActions actions;

    VmBuild(EngineContext ctx, OperationRun run, InstallPipeline.Plan plan, InstallPipeline.LeaseHolder leases) {
        this.ctx = ctx;
        this.run = run;
        this.plan = plan;
        this.leases = leases;
        this.node = plan.node();
        this.removal = new VmRemoval(ctx);
        this.actions = new JournalActions(ctx);
    }

    Built createAndConfigure(ImagePlacer image, String keys) {
        Claimed claimed = run.stage(Stage.CREATING_VM, "creating VM " + leases.current().vmId() + " on " + plan.node(),
                () -> claim(keys), c -> "VM " + c.vmId() + " created successfully on " + plan.node()
                        + (c.attempts() > 1 ? " (after " + (c.attempts() - 1) + " VMID(s) taken by others)" : ""));
        String disk = run.stage(Stage.IMPORTING_DISK, "importing the OS image into " + plan.storage() + " on "
                + plan.node(), () -> importDisk(image, claimed.vmId()), d -> "imported disk as " + d);
        DiskSize size = run.stage(Stage.INITIALIZING_CONFIG, "setting the boot order and the disk size",
                () -> configure(claimed.vmId(), disk), s -> "attached " + disk + " as scsi0 (" + s
                        + "), boot order scsi0, cloud-init drive, serial console");
        run.stage(Stage.MIGRATING_NEW_VM, "checking the VM's placement", () -> { },
                "VM created on " + plan.node() + " directly; no migration needed");
        return new Built(claimed.vmId(), claimed.name(), plan.node(), claimed.address(), size);
    }

    private Claimed claim(String keys) {
        for (int attempt = 1; ; attempt++) {
            run.checkCancelled();
            IpAllocator.Lease lease = leases.current();
            VmId id = lease.vmId();
            String name = plan.nameFor(id);
            run.vm(id, Optional.of(lease.address().address()));
            Ipv4Cidr address = lease.address();
            // registered (and written to the job store) before the create: a create cut short (a cancel, a
            // lost connection, a killed process) may have left the VM behind, and only the rollback, run
            // uninterrupted, can look reliably
            JournalStep.CreatedVm step = new JournalStep.CreatedVm(id.value(), node.value(), name,
                    address.address().toString(), plan.spec().user());
            RollbackJournal.Registration vmUndo = run.journal().registerDurable(step, () -> actions.undo(step));
            try {
                ctx.retry().run("create VM " + id, () -> ctx.ops().create(node, new NewVm(createSpec(lease, name), keys)));
            } catch (VmExistsException taken) {
                vmUndo.drop(); // the VM is someone else's
                io.pveq.core.internal.cluster.Calls.safely(() -> ctx.listener().vmidClaimLost(id, node));
                if (plan.spec().id().isPresent()) {
                    throw taken;
                }
                checkAttempts(attempt);
                run.detail("[*] VMID " + id + " was taken meanwhile (" + taken.getMessage() + "); trying the next one");
                leases.replace(lease.next(taken));
                continue;
            }
            lease.markClaimed();
            if (InstallPipeline.poolMode(ctx) && lostAddress(id, address)) {
                checkAttempts(attempt);
                ctx.allocator().backingOff(id);
                removal.removeEverywhere(id, Optional.of(node), LockOverride.NONE);
                vmUndo.drop();
                ctx.allocator().addressLost(address.address());
                // jittered, so two installs that met on one address do not meet again on the next
                ctx.retry().pause("to retry with another address", Duration.ofMillis(
                        100 + ThreadLocalRandom.current().nextLong(Math.min(5_000, 500L * attempt))));
                leases.replace(plan.spec().id().isPresent() ? retryRequested(lease)
                        : lease.next(new VmExistsException(id, node.value())));
                continue;
            }
            return new Claimed(id, name, address, attempt);
        }
    }

    private IpAllocator.Lease retryRequested(IpAllocator.Lease lost) {
        lost.close();
        ctx.allocator().release(lost.vmId(), lost.address().address());
        ctx.allocator().addressLost(lost.address().address());
        return ctx.allocator().reserve(plan.spec().id());
    }

    private void checkAttempts(int attempt) {
        if (attempt >= IpAllocator.MAX_CLAIM_ATTEMPTS) {
            throw new IpPoolExhaustedException(ctx.settings().network().addressing().describe() + " (" + attempt
                    + " candidates in a row were taken by others)");
        }
    }

    /**
     * Pool addressing, checked after the create: when any other VM holds the same address, this install
     * backs off (destroys its VM, pauses a random moment, takes the next candidate), unless that VM
     * is one this process already backs off with. A rule like "the lowest VMID keeps it" is unsafe:
     * an install that created and checked before the other one created keeps the address, and the other
     * one, seeing a higher VMID, would keep it too. Two installs that check at the same moment may both
     * back off; that costs a retry, never a duplicate. Residual: Proxmox's cluster state lags by up to
     * about 10 s, so a VM created on another node within that window may not be listed yet.
     */
    private boolean lostAddress(VmId id, Ipv4Cidr address) {
        List<VmId> others = ctx.allocator().othersHolding(id, address.address());
        if (!others.isEmpty()) {
            run.detail("[*] address " + address.address() + " is also configured on VM(s) " + others + "; VM " + id
                    + " backs off and retries with another address");
        }
        return !others.isEmpty();
    }

    private CreateVmSpec createSpec(IpAllocator.Lease lease, String name) {
        var net = ctx.settings().network();
        var spec = plan.spec();
        CreateVmSpec.Builder b = CreateVmSpec.builder(lease.vmId(), name)
                .cpu(spec.cpu(), 1)
                .memoryMiB(spec.ramMb())
                .cpuType(plan.cpuLevel().model())
                .osType("l26")
                .network(net.bridge(), null)
                .diskStorage(plan.storage())
                .cloudInitDrive(plan.storage(), CreateVmSpec.CloudInitSlot.IDE2)
                .ciUser(spec.user(), spec.password().map(p -> p.reveal()).orElse(null))
                .ipConfig(IpConfig.of(lease.address().address().toString(), net.prefixLength(), net.gateway().toString()),
                        net.nameservers().isEmpty() ? null
                                : net.nameservers().stream().map(Object::toString).collect(Collectors.joining(" ")),
                        net.searchDomain().orElse(null))
                .tags(tags(lease))
                .description("installed by pveq: " + spec.release() + ", user " + spec.user())
                .onBoot(false)
                .agent(true)
                .ciUpgrade(spec.upgradePackages());
        ctx.settings().limits().balloonFor(spec.ramMb()).ifPresent(b::balloonMiB);
        return b.build();
    }

    private List<String> tags(IpAllocator.Lease lease) {
        String os = VmTags.osTag(plan.spec().release()).toLowerCase(java.util.Locale.ROOT);
        return InstallPipeline.poolMode(ctx) ? List.of(VmTags.MANAGED, os, VmTags.ipTag(lease.address().address()))
                : List.of(VmTags.MANAGED, os);
    }

    private String importDisk(ImagePlacer image, VmId id) {
        try (ClusterRouter.Permit slot = ctx.router().acquireHeavyTask(node)) {
            run.checkCancelled();
            PlacedImage placed = image.place();
            run.detail("[*] image available on " + node + " at " + placed.reference());
            long total = image.sizeBytes();
            Map<String, String> drive = new LinkedHashMap<>();
            drive.put("discard", "on");
            drive.put("iothread", "1");
            String volume = ctx.retry().call("import a disk into VM " + id, () -> ctx.ops().importDisk(node, id, "scsi0",
                    placed, plan.storage(), drive, (line, pct) -> pct.ifPresent(p -> {
                        if (total > 0) {
                            run.progress((long) (total * p / 100.0), total, 0);
                        } else {
                            run.progress(Math.round(p * 100), 10_000, 0);
                        }
                    })));
            image.release(); // the VM has its own copy now
            return volume;
        }
    }

    private DiskSize configure(VmId id, String disk) {
        ConfigUpdate boot = ConfigUpdate.builder().bootOrder(List.of("scsi0")).build();
        ctx.retry().run("set the boot order of VM " + id, () -> ctx.ops().update(node, id, boot));
        VmConfig config = ctx.retry().read("config of VM " + id, () -> ctx.ops().config(node, id));
        VolumeId volume = VolumeId.parse(disk);
        VmConfig.Disk scsi0 = config.disk("scsi0").orElseThrow(() -> new StorageException(plan.storage(),
                "VM " + id + " has no scsi0 after attaching " + disk));
        if (!scsi0.volume().map(volume::equals).orElse(false)) {
            throw new StorageException(plan.storage(), "VM " + id + ": scsi0 is " + scsi0.file() + ", expected the"
                    + " imported volume " + disk);
        }
        DiskSize wanted = plan.spec().disk();
        DiskSize now = scsi0.size().orElse(DiskSize.ofBytes(0));
        if (now.compareTo(wanted) >= 0) {
            return now;
        }
        Optional<String> said = ctx.retry().call("resize VM " + id, () -> ctx.ops().resize(node, id, "scsi0", wanted,
                false, LockOverride.NONE));
        DiskSize after = ctx.retry().read("config of VM " + id, () -> ctx.ops().config(node, id)).disk("scsi0")
                .flatMap(VmConfig.Disk::size).orElse(DiskSize.ofBytes(0));
        if (after.compareTo(wanted) < 0) {
            throw new StorageException(plan.storage(), "resizing scsi0 of VM " + id + " to " + wanted
                    + " did not take effect: Proxmox reports " + after + said.map(s -> "; the resize said: " + s)
                    .orElse(""));
        }
        said.ifPresent(s -> run.detail("[!] the resize worked but printed: " + s));
        return after;
    }
}
