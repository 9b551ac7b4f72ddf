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
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProvisionerSetup;
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
 * The {@link VmProvisioner}: wires the router, allocator, CPU detector, operations registry,
 * install pipeline and lifecycle operations from a {@link ProvisionerSetup}. Thread-safe.
 */
public final class EngineProvisioner implements VmProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(EngineProvisioner.class);
    private static final Duration CLOSE_WAIT = Duration.ofMinutes(2);

    private final ProvisionerSetup setup;
    private final EngineContext ctx;
    private final OperationRegistry registry;
    private final Inventory inventory;
    private final PowerOps power;
    private final ResourceOps resources;
    private final Optional<ExecutorService> ownExecutor;
    private final ExecutorService helpers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EngineProvisioner(ProvisionerSetup setup, InitScriptSource scripts, Retry retry) {
        this.setup = setup;
        ProvisionerSettings settings = setup.settings();
        this.helpers = DaemonThreads.cachedPool("pveq-probe");
        EngineNodeRouter router = new EngineNodeRouter(settings, setup.nodes());
        EngineIpAllocator allocator = new EngineIpAllocator(settings.network(), router, setup.probe(),
                settings.timeouts().addressProbe(), setup.clock(), helpers);
        EngineCpuDetector cpu = new EngineCpuDetector(router, settings.cpuOverride(), setup.clock(),
                settings.timeouts().cpuLevelCache());
        this.ctx = new EngineContext(settings, router, allocator, cpu, setup.images(), setup.guests(), scripts.cached(), retry,
                setup.clock());
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
     */
    public static EngineProvisioner create(ProvisionerSetup setup, InitScriptSource scripts, Retry retry) {
        EngineProvisioner provisioner = new EngineProvisioner(setup, scripts, retry);
        JournalActions actions = new JournalActions(provisioner.ctx);
        provisioner.registry.startKeeping(step -> () -> actions.undo(step));
        return provisioner;
    }

    /** @return the node router (for tests and the server's diagnostics) */
    public EngineNodeRouter router() {
        return ctx.router();
    }

    /** @return the IP allocator */
    public EngineIpAllocator allocator() {
        return ctx.allocator();
    }

    /** @return the CPU level detector */
    public EngineCpuDetector cpuDetector() {
        return ctx.cpu();
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
            if (!ctx.router().configuredNodes().contains(node)) {
                throw new InvalidSpecException("node", "node " + node + " is not configured (known: "
                        + ctx.router().configuredNodes() + ")");
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
        closeQuietly("router", ctx.router()::close);
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
