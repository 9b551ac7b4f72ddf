package io.pveq.core.internal.engine;

import io.pveq.core.ClusterOverview;
import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.DiskSize;
import io.pveq.core.InstallFailedException;
import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.LockPolicy;
import io.pveq.core.NodeInfo;
import io.pveq.core.NodeName;
import io.pveq.core.Operation;
import io.pveq.core.Operations;
import io.pveq.core.OsRelease;
import io.pveq.core.AddressProbe;
import io.pveq.core.ClusterConnection;
import io.pveq.core.GuestAccessMode;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProxmoxListener;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.internal.cluster.OpsContext;
import io.pveq.core.internal.cluster.ProxmoxOps;
import io.pveq.core.store.DurableOperations;
import java.time.Clock;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmId;
import io.pveq.core.VmInfo;
import io.pveq.core.VmLimits;
import io.pveq.core.VmOutcome;
import io.pveq.core.VmProvisioner;
import io.pveq.core.VmStatus;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link VmProvisioner}: opens the connection and wires the router, allocator, CPU detector, guest
 * channel, operations registry, install pipeline and lifecycle operations. Thread-safe.
 */
public final class EngineProvisioner implements VmProvisioner {

    /**
     * What {@link VmProvisioner.Builder} collected.
     *
     * @param settings   the site settings
     * @param connection how the cluster is reached
     * @param images     OS images
     * @param guests     SSH access to guests, when guests are reached over SSH
     * @param probe      address-in-use probe
     * @param clock      time
     * @param executor   runs operations; empty: the provisioner's own pool
     * @param durable    the job store, if any
     * @param listener   hears every Proxmox call
     */
    public record Setup(ProvisionerSettings settings, ClusterConnection connection, ImageProvider images,
                        Optional<GuestAccess> guests, AddressProbe probe, Clock clock,
                        Optional<ExecutorService> executor, Optional<DurableOperations> durable,
                        ProxmoxListener listener) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(EngineProvisioner.class);
    private static final Duration CLOSE_WAIT = Duration.ofMinutes(2);

    private final EngineContext ctx;
    private final OperationRegistry registry;
    private final Inventory inventory;
    private final PowerOps power;
    private final ResourceOps resources;
    private final Optional<ExecutorService> ownExecutor;
    private final ExecutorService helpers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EngineProvisioner(Setup setup, ProxmoxOps ops, GuestChannel guests, InitScriptSource scripts, Retry retry) {
        ProvisionerSettings settings = setup.settings();
        this.helpers = DaemonThreads.cachedPool("pveq-probe");
        ClusterRouter router = new ClusterRouter(ops, settings.mainNode(), settings.heavyTasksPerNode());
        EngineIpAllocator allocator = new EngineIpAllocator(settings.network(), router, setup.probe(),
                settings.timeouts().addressProbe(), setup.clock(), helpers);
        EngineCpuDetector cpu = new EngineCpuDetector(router, settings.cpuOverride(), setup.clock(),
                settings.timeouts().cpuLevelCache());
        this.ctx = new EngineContext(settings, router, allocator, cpu, setup.images(), guests, scripts.cached(), retry,
                setup.clock(), setup.listener(), new ImageHolds());
        this.ownExecutor = setup.executor().isPresent() ? Optional.empty()
                : Optional.of(DaemonThreads.cachedPool("pveq-operation"));
        this.registry = new OperationRegistry(setup.clock(), settings.timeouts().operationRetention(),
                setup.executor().orElseGet(ownExecutor::get), setup.durable());
        this.inventory = new Inventory(router, setup.clock());
        this.power = new PowerOps(ctx, registry);
        this.resources = new ResourceOps(ctx, registry, power);
    }

    /**
     * @param setup   settings and collaborators (ownership passes to the provisioner)
     * @param scripts the OS init scripts
     * @param retry   the retry policy for transient Proxmox errors
     * @return a provisioner
     * @throws io.pveq.core.InvalidSpecException naming {@code guests} or {@code guestAccess} when the guests
     *         cannot be reached the way the settings say
     */
    public static EngineProvisioner create(Setup setup, InitScriptSource scripts, Retry retry) {
        ProvisionerSettings settings = setup.settings();
        ProxmoxOps ops = setup.connection().open(new OpsContext(settings.timeouts().command(),
                settings.timeouts().longCommand(), setup.listener()));
        GuestChannel guests;
        try {
            guests = guestChannel(setup, ops, retry);
        } catch (RuntimeException e) {
            ops.close();
            throw e;
        }
        EngineProvisioner provisioner = new EngineProvisioner(setup, ops, guests, scripts, retry);
        JournalActions actions = new JournalActions(provisioner.ctx);
        provisioner.registry.startKeeping(step -> () -> actions.undo(step));
        return provisioner;
    }

    private static GuestChannel guestChannel(Setup setup, ProxmoxOps ops, Retry retry) {
        GuestAccessMode mode = setup.settings().guestAccess();
        boolean agent = mode == GuestAccessMode.AGENT || mode == GuestAccessMode.AUTO && ops.agentSupported()
                && setup.guests().isEmpty();
        if (agent) {
            if (!ops.agentSupported()) {
                throw new io.pveq.core.InvalidSpecException("guestAccess", "agent needs a REST API connection"
                        + " (ProxmoxApi): the guest agent is reached through the API, not through commands");
            }
            return new AgentChannel(ops, retry, setup.clock(), setup.settings().timeouts().shutdown());
        }
        return new SshChannel(setup.guests().orElseThrow(() -> new io.pveq.core.InvalidSpecException("guests",
                "is required to reach guests over SSH (SshGuestAccess, or a simulated cluster's guest access);"
                        + " over the REST API, guests can be reached through their agent instead")));
    }

    /** @return the router (for tests) */
    ClusterRouter router() {
        return ctx.router();
    }

    /** @return the IP allocator (for tests) */
    EngineIpAllocator allocator() {
        return ctx.allocator();
    }

    /**
     * Reserves the next free VMID/IP pair and releases it at once, as the first step of an install does (for
     * the allocation benchmark). Blocking: one cluster-state read and the address probes.
     *
     * @return the VMID that was reserved
     */
    public VmId reserveAndRelease() {
        IpAllocator.Lease lease = open(() -> ctx.allocator().reserve(Optional.empty()));
        lease.close();
        return lease.vmId();
    }

    /** @return the CPU level detector (for tests) */
    EngineCpuDetector cpuDetector() {
        return ctx.cpu();
    }

    /** @return how guests are reached: {@code ssh} or {@code agent} */
    public String guestMechanism() {
        return ctx.guests().mechanism();
    }

    /** @return the connection's dialect and address, for diagnostics */
    public String connection() {
        return ctx.ops().describe();
    }

    private <T> T open(Supplier<T> action) {
        if (closed.get()) {
            throw new ClusterUnavailableException("the provisioner is closed");
        }
        return action.get();
    }

    private void open(Runnable action) {
        open(() -> {
            action.run();
            return null;
        });
    }

    @Override
    public List<OsRelease> supportedReleases() {
        return open(() -> ctx.images().supported());
    }

    @Override
    public VmLimits limits() {
        return ctx.settings().limits();
    }

    @Override
    public InstallSpec validate(InstallSpec spec) {
        limits().check(spec);
        List<OsRelease> supported = ctx.images().supported();
        if (!supported.contains(spec.release())) {
            boolean osKnown = supported.stream().anyMatch(r -> r.os().equals(spec.release().os()));
            throw new InvalidSpecException(osKnown ? "version" : "os", spec.release() + " is not supported; supported: "
                    + supported.stream().map(OsRelease::toString).toList());
        }
        spec.id().ifPresent(ctx.settings().network()::checkRequestedId);
        spec.node().ifPresent(node -> {
            List<NodeName> known = ctx.router().reachableNodes();
            if (!known.contains(node)) {
                throw new InvalidSpecException("node", "must be one of the cluster's nodes " + known + ", got '"
                        + node + "'");
            }
        });
        return spec;
    }

    @Override
    public Operation<InstallResult> submitInstall(InstallSpec spec, ProgressListener listener) {
        return open(() -> {
            validate(spec);
            return registry.submit(OperationKind.INSTALL, Optional.empty(), OperationCodec.spec(spec), Stage.CHECKING_VMID,
                    listener, run -> new InstallPipeline(ctx, spec).run(run), EngineProvisioner::installFailure);
        });
    }

    private static RuntimeException installFailure(Stage stage, Optional<VmId> vmId, RollbackJournal.Outcome rollback,
                                                   Throwable cause, boolean cancelled) {
        if (cancelled) {
            return OperationRegistry.PLAIN.map(stage, vmId, rollback, cause, true);
        }
        if (cause instanceof InvalidSpecException invalid) {
            return invalid;
        }
        return new InstallFailedException(stage, vmId, rollback.report(), rollback.complete(), cause);
    }

    @Override
    public VmStatus status(VmId vmId) {
        return open(() -> power.status(vmId));
    }

    @Override
    public Operation<VmOutcome> submitStart(VmId vmId, ProgressListener listener) {
        return open(() -> power.submitStart(vmId, listener));
    }

    @Override
    public void stop(VmId vmId, LockPolicy locks) {
        open(() -> power.stop(vmId, locks));
    }

    @Override
    public Operation<VmOutcome> submitShutdown(VmId vmId, Duration timeout, boolean forceAfterTimeout,
                                               ProgressListener listener) {
        return open(() -> power.submitShutdown(vmId, timeout, forceAfterTimeout, listener));
    }

    @Override
    public Operation<VmOutcome> submitReboot(VmId vmId, ProgressListener listener) {
        return open(() -> power.submitReboot(vmId, listener));
    }

    @Override
    public void setCpu(VmId vmId, int cpu, LockPolicy locks) {
        open(() -> resources.setCpu(vmId, cpu, locks));
    }

    @Override
    public void setMemory(VmId vmId, int memoryMb, LockPolicy locks) {
        open(() -> resources.setMemory(vmId, memoryMb, locks));
    }

    @Override
    public DiskSize growDisk(VmId vmId, DiskSize increment, LockPolicy locks) {
        return open(() -> resources.growDisk(vmId, increment, locks));
    }

    @Override
    public Operation<VmOutcome> submitMigrate(VmId vmId, NodeName target, ProgressListener listener) {
        return open(() -> resources.submitMigrate(vmId, target, listener));
    }

    @Override
    public void destroy(VmId vmId, LockPolicy locks) {
        open(() -> resources.destroy(vmId, locks));
    }

    @Override
    public ClusterOverview overview() {
        return open(inventory::overview);
    }

    @Override
    public Optional<VmInfo> vm(VmId vmId) {
        return open(() -> inventory.vm(vmId));
    }

    @Override
    public List<NodeInfo> nodes() {
        return open(inventory::nodes);
    }

    @Override
    public List<StorageInfo> storages(NodeName node) {
        return open(() -> inventory.storages(node));
    }

    @Override
    public List<String> checkAccess() {
        return open(() -> new AccessCheck(ctx).missing());
    }

    @Override
    public Operations operations() {
        return registry;
    }

    @Override
    public ProvisionerSettings settings() {
        return ctx.settings();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        registry.cancelAll(CLOSE_WAIT);
        ownExecutor.ifPresent(ExecutorService::shutdownNow);
        helpers.shutdownNow();
        closeQuietly("connection", ctx.router()::close);
        closeQuietly("image provider", ctx.images()::close);
        closeQuietly("guest access", ctx.guests()::close);
    }

    private static void closeQuietly(String what, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("closing the {} failed", what, e);
        }
    }
}
