package io.pveq.core.internal.engine;

import io.pveq.core.AddressingMode;
import io.pveq.core.CpuLevel;
import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.StorageException;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmLimits;
import io.pveq.core.event.Stage;
import io.pveq.core.image.ImageSource;
import io.pveq.core.internal.pve.SshKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One install, stage by stage in SPEC.md's order: preparation (VMID, IP, limits, defaults,
 * storage), OS image, SSH key, then the VM itself ({@link VmBuild}) and its first boot and guest
 * initialisation ({@link VmFirstBoot}). Every step that changes the cluster registers its undo in
 * the run's journal; the {@link OperationRegistry} rolls back on failure or cancellation.
 */
final class InstallPipeline {

    private final EngineContext ctx;
    private final InstallSpec spec;

    InstallPipeline(EngineContext ctx, InstallSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
    }

    /** What the preparation decided. */
    record Plan(InstallSpec spec, NodeName node, CpuLevel cpuLevel, String storage) {

        /** @return the requested name, or {@code <os>-<version>-<vmid>} */
        String nameFor(io.pveq.core.VmId vmId) {
            return spec.name().orElseGet(() -> (spec.release().os() + "-" + spec.release().version()
                    .replaceAll("[^A-Za-z0-9]", "-") + "-" + vmId).toLowerCase(Locale.ROOT));
        }
    }

    OperationRegistry.Done<InstallResult> run(OperationRun run) {
        Instant began = ctx.clock().instant();
        IpAllocator.Lease lease = run.stage(Stage.CHECKING_VMID, "start VM installation",
                () -> ctx.allocator().reserve(spec.id()),
                l -> (spec.id().isPresent() ? "requested VMID " : "auto-assigned VMID: ") + l.vmId());
        LeaseHolder leases = new LeaseHolder(lease);
        run.journal().register("release the reserved VMID/IP", () -> {
            leases.current().close();
            return "";
        });
        run.vm(lease.vmId(), Optional.of(lease.address().address()));
        run.stage(Stage.ASSIGNING_IP, "deriving the static IP", () -> { }, "assigned IP: " + lease.address());
        VmLimits limits = ctx.settings().limits();
        run.stage(Stage.VALIDATING_CPU_AND_RAM, "checking CPU and RAM against the limits", () -> {
            limits.checkCpu("cpu", spec.cpu());
            limits.checkRam("ram", spec.ramMb());
        }, "CPU: " + spec.cpu() + ", RAM: " + spec.ramMb() + " MB");
        run.stage(Stage.VALIDATING_DISK_SIZE, "checking the disk size", () -> limits.checkDisk("disk", spec.disk()),
                d -> "disk size: " + d);
        NodeName node = spec.node().orElseGet(() -> ctx.router().defaultNode());
        CpuLevel level = run.stage(Stage.SETTING_DEFAULTS, "choosing storage, CPU type and name", () -> {
                    if (!ctx.router().onlineNodes().contains(node)) {
                        throw new NodeUnavailableException(node.value(), "target node " + node + " is not online");
                    }
                    return ctx.cpu().clusterLevel();
                },
                l -> "node " + node + ", storage " + ctx.settings().storage() + ", CPU type " + l.model()
                        + (ctx.cpu().override().isPresent() ? " (configured)" : " (lowest level of the online nodes)"));
        String[] imageStorage = new String[1];
        run.stage(Stage.CHECKING_STORAGE, "checking storage " + ctx.settings().storage() + " on " + node,
                () -> {
                    StorageInfo info = checkStorage(node);
                    imageStorage[0] = ImagePlacer.importStorage(ctx, node);
                    new AccessCheck(ctx).requireForInstall(node, lease.vmId(), imageStorage[0].isEmpty() ? Optional.empty()
                            : Optional.of(imageStorage[0]));
                    return info;
                }, s -> "storage " + s.storage() + " (" + s.type() + ") is active and holds VM images"
                        + (imageStorage[0].isEmpty() ? "" : "; images go to " + imageStorage[0]));
        ImageSource source = run.stage(Stage.GETTING_OS_IMAGE, "resolving the " + spec.release() + " image",
                () -> ctx.images().resolve(spec.release()), s -> "OS image: " + s.imageUri());
        run.stage(Stage.VALIDATING_IMAGE_URL, "checking " + source.imageUri(), () -> ctx.images().validate(source),
                "OS image URL answers");
        ImagePlacer image = new ImagePlacer(ctx, run, node, source, imageStorage[0]);
        VmBuild.Built built;
        try {
            run.stage(Stage.DOWNLOADING_IMAGE, "downloading OS image " + source.fileName(), image::prepare, s -> s);
            String keys = run.stage(Stage.CHECKING_SSH_KEY, "checking the SSH keys for the guest", this::keys,
                    k -> k.isEmpty() ? "no SSH key to hand the guest (it is reached through its "
                            + ctx.guests().mechanism() + ")" : "SSH keys ready (" + k.lines().count() + " key(s))");
            Plan plan = new Plan(spec, node, level, ctx.settings().storage());
            VmBuild build = new VmBuild(ctx, run, plan, leases);
            built = build.createAndConfigure(image, keys);
        } finally {
            image.release(); // imported (or given up): another install may need it, the cache may evict it
        }
        VmFirstBoot boot = new VmFirstBoot(ctx, run, built, spec.user());
        Optional<String> hostKey = boot.bootAndInitialise(spec.release());
        InstallResult result = new InstallResult(built.vmId(), built.name(), built.node(), built.address(), spec.user(),
                spec.release(), level, hostKey, Duration.between(began, ctx.clock().instant()).abs());
        run.journal().commit();
        leases.current().close();
        return new OperationRegistry.Done<>(result, "VM installation completed (VMID " + built.vmId() + ", IP "
                + built.address().address() + ", user " + spec.user() + ")");
    }

    private StorageInfo checkStorage(NodeName node) {
        String storage = ctx.settings().storage();
        List<StorageInfo> all = ctx.retry().read("storages of " + node, () -> ctx.ops().storages(node));
        StorageInfo info = all.stream().filter(s -> s.storage().equals(storage)).findFirst()
                .orElseThrow(() -> new StorageException(storage, "storage '" + storage + "' does not exist on node "
                        + node + " (the provisioner's VM disk storage)"));
        if (!info.enabled()) {
            throw new StorageException(storage, "storage '" + storage + "' is disabled on node " + node);
        }
        if (!info.active()) {
            throw new StorageException(storage, "storage '" + storage + "' is not active on node " + node);
        }
        if (!info.content().contains("images")) {
            throw new StorageException(storage, "storage '" + storage + "' on node " + node
                    + " does not hold VM images (content: " + String.join(",", info.content()) + ")");
        }
        return info;
    }

    private String keys() {
        StringBuilder all = new StringBuilder();
        ctx.guests().authorizedKey().ifPresent(k -> all.append(k).append('\n'));
        spec.publicKey().ifPresent(k -> all.append(k.line()).append('\n'));
        return all.isEmpty() ? "" : SshKeys.normalize(all.toString());
    }

    /** True in pool addressing, where the address is not implied by the VMID. */
    static boolean poolMode(EngineContext ctx) {
        return ctx.settings().network().addressing() instanceof AddressingMode.Pool;
    }

    /** The lease of the current candidate; replaced when a create loses. */
    static final class LeaseHolder {
        private IpAllocator.Lease current;

        LeaseHolder(IpAllocator.Lease first) {
            this.current = first;
        }

        synchronized IpAllocator.Lease current() {
            return current;
        }

        synchronized void replace(IpAllocator.Lease next) {
            current = next;
        }
    }
}
