package io.pveq.server.fake;

import io.pveq.core.ClusterOverview;
import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.CpuLevel;
import io.pveq.core.DiskSize;
import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeInfo;
import io.pveq.core.NodeName;
import io.pveq.core.Operation;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.OperationId;
import io.pveq.core.Operations;
import io.pveq.core.OsRelease;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmId;
import io.pveq.core.VmInfo;
import io.pveq.core.VmLimits;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmOutcome;
import io.pveq.core.VmProvisioner;
import io.pveq.core.VmStateException;
import io.pveq.core.VmStatus;
import io.pveq.core.event.EventContext;
import io.pveq.core.event.EventStatus;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.OperationSucceeded;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import io.pveq.core.event.StageDetail;
import io.pveq.core.event.StageStarted;
import io.pveq.core.event.StageSucceeded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link VmProvisioner} for server tests: realistic install/start/reboot/migrate event
 * streams, VMs in a map, and a record of every call that would have run a command on a node
 * ({@link #commands()}), so tests can prove bad input never got that far. An install can be held at
 * {@code waiting for ready} ({@link #holdInstalls()}) to test disconnects and cancellation.
 */
public final class FakeProvisioner implements VmProvisioner {

    private static final List<OsRelease> RELEASES = List.of(OsRelease.of("debian", "11"), OsRelease.of("debian", "12"),
            OsRelease.of("debian", "13"), OsRelease.of("ubuntu", "20.04"), OsRelease.of("ubuntu", "22.04"),
            OsRelease.of("ubuntu", "24.04"), OsRelease.of("rockylinux", "8"), OsRelease.of("rockylinux", "9"),
            OsRelease.of("rockylinux", "10"));

    private final ProvisionerSettings settings;
    private final Map<VmId, VmInfo> vms = new ConcurrentSkipListMap<>();
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final Map<OperationId, FakeOperation<?>> ops = new ConcurrentHashMap<>();
    private final List<FakeOperation<?>> order = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile RuntimeException inventoryFailure;

    /** A fake with the simulator's three nodes and no site limits. */
    public FakeProvisioner() {
        this(VmLimits.NONE);
    }

    /** @param limits site limits */
    public FakeProvisioner(VmLimits limits) {
        this.settings = ProvisionerSettings.builder().mainNode(MAIN).storage("local-lvm")
                .gateway(Ipv4Address.of(127, 0, 10, 1)).limits(limits).build();
    }

    /** The simulator's nodes, which this fake pretends to have. */
    private static final List<NodeName> NODES = List.of(NodeName.of("pve1"), NodeName.of("pve2"), NodeName.of("pve3"));
    private static final NodeName MAIN = NODES.get(0);

    /** @return every node-touching call so far, e.g. {@code qm status 101} */
    public List<String> commands() {
        synchronized (commands) {
            return List.copyOf(commands);
        }
    }

    /** @return every operation submitted, oldest first */
    public List<FakeOperation<?>> submitted() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    /** Installs started from now on wait at {@code waiting for ready} until {@link #release()}. */
    public void holdInstalls() {
        hold = new CountDownLatch(1);
    }

    /** Lets held installs continue. */
    public void release() {
        hold.countDown();
    }

    /** @param failure thrown by inventory calls from now on; null to stop */
    public void failInventory(RuntimeException failure) {
        inventoryFailure = failure;
    }

    /** Adds a VM directly. */
    public void addVm(int id, String name, VmStatus status, String node) {
        vms.put(VmId.of(id), vm(VmId.of(id), name, Optional.of(OsRelease.of("ubuntu", "24.04")), status, NodeName.of(node),
                2, 16, 2048));
    }

    /** @return the VM if it exists */
    public Optional<VmInfo> peek(int id) {
        return Optional.ofNullable(vms.get(VmId.of(id)));
    }

    private static VmInfo vm(VmId id, String name, Optional<OsRelease> os, VmStatus status, NodeName node, int cpu,
                             long disk, long mem) {
        return new VmInfo(id, name, os, status, node, cpu, disk, mem, status.isRunning() ? mem / 4 : 0, Set.of("pveq"),
                Optional.empty());
    }

    private void record(String command) {
        RuntimeException f = inventoryFailure;
        if (f != null) {
            throw f;
        }
        commands.add(command);
    }

    private VmInfo existing(VmId id) {
        record("qm config " + id);
        VmInfo v = vms.get(id);
        if (v == null) {
            throw new VmNotFoundException(id);
        }
        return v;
    }

    @Override
    public List<OsRelease> supportedReleases() {
        return RELEASES;
    }

    @Override
    public VmLimits limits() {
        return settings.limits();
    }

    @Override
    public InstallSpec validate(InstallSpec spec) {
        settings.limits().check(spec);
        if (!RELEASES.contains(spec.release())) {
            boolean osKnown = RELEASES.stream().anyMatch(r -> r.os().equals(spec.release().os()));
            throw new InvalidSpecException(osKnown ? "version" : "os", "unsupported release " + spec.release());
        }
        spec.id().ifPresent(id -> settings.network().checkRequestedId(id));
        spec.node().ifPresent(n -> {
            if (!NODES.contains(n)) {
                throw new InvalidSpecException("node", "unknown node " + n);
            }
        });
        return spec;
    }

    @Override
    public Operation<InstallResult> submitInstall(InstallSpec spec, ProgressListener listener) {
        validate(spec);
        FakeOperation<InstallResult> op = register(new FakeOperation<>(OperationKind.INSTALL, null, listener));
        executor.execute(() -> runInstall(op, spec));
        return op;
    }

    private <R> FakeOperation<R> register(FakeOperation<R> op) {
        ops.put(op.id(), op);
        order.add(op);
        return op;
    }

    private void runInstall(FakeOperation<InstallResult> op, InstallSpec spec) {
        VmId id = spec.id().orElseGet(this::nextId);
        Ipv4Address ip = settings.network().gateway().withLastOctet(id.value());
        NodeName node = spec.node().orElse(MAIN);
        Duration t = Duration.ZERO;
        op.emit(new StageStarted(Stage.CHECKING_VMID, "start VM installation", EventContext.of(t)));
        record("qm create " + id);
        vms.put(id, vm(id, spec.name().orElse("vm-" + id), Optional.of(spec.release()), VmStatus.STOPPED, node, spec.cpu(),
                spec.disk().roundedGiB(), spec.ramMb()));
        op.vmId(id);
        t = t.plusMillis(20);
        op.emit(new StageSucceeded(Stage.CHECKING_VMID, "auto-assigned VMID: " + id, Duration.ofMillis(20),
                EventContext.of(t, id)));
        op.emit(new StageSucceeded(Stage.ASSIGNING_IP, "assigned IP: " + new Ipv4Cidr(ip, 24) + "\n\"quoted\" \\ \u2028",
                Duration.ZERO, EventContext.of(t, id, ip)));
        for (Stage s : List.of(Stage.VALIDATING_CPU_AND_RAM, Stage.VALIDATING_DISK_SIZE, Stage.SETTING_DEFAULTS,
                Stage.CHECKING_STORAGE, Stage.GETTING_OS_IMAGE, Stage.VALIDATING_IMAGE_URL, Stage.DOWNLOADING_IMAGE,
                Stage.CHECKING_SSH_KEY, Stage.CREATING_VM, Stage.IMPORTING_DISK, Stage.INITIALIZING_CONFIG)) {
            t = t.plusMillis(100);
            op.emit(new StageSucceeded(s, s.name().toLowerCase().replace('_', ' ') + " done", Duration.ofMillis(100),
                    EventContext.of(t, id, ip)));
        }
        op.emit(new StageStarted(Stage.WAITING_FOR_READY, "VM starting", EventContext.of(t, id, ip)));
        try {
            while (!hold.await(10, TimeUnit.MILLISECONDS)) {
                if (op.cancelRequested()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (op.cancelRequested()) {
            op.emit(new StageStarted(Stage.ROLLING_BACK, "rolling back", EventContext.of(t, id, ip)));
            record("qm destroy " + id + " --purge");
            vms.remove(id);
            op.emit(new OperationFailed(Stage.WAITING_FOR_READY, "cancelled by request", true,
                    List.of("destroyed VM " + id), true, EventContext.of(t, id, ip)));
            op.fail(new OperationCancelledException("install of VM " + id + " cancelled"), true);
            return;
        }
        for (Stage s : List.of(Stage.WAITING_FOR_READY, Stage.SSH_INITIALIZATION, Stage.REBOOTING_NEW_VM)) {
            t = t.plusMillis(100);
            op.emit(new StageSucceeded(s, s.name().toLowerCase().replace('_', ' ') + " done", Duration.ofMillis(100),
                    EventContext.of(t, id, ip)));
        }
        vms.computeIfPresent(id, (k, v) -> vm(id, v.name(), v.os(), VmStatus.RUNNING, v.node(), v.cpu(), v.diskGb(),
                v.memoryMb()));
        for (String fact : List.of("[*] VMID: " + id, "[*] IP: " + ip, "[*] User: " + spec.user())) {
            op.emit(new StageDetail(Stage.FINALIZING_INSTALL, EventStatus.SUCCESS, fact, EventContext.of(t, id, ip)));
        }
        op.emit(new OperationSucceeded(Stage.FINALIZING_INSTALL, "VM installation completed", EventContext.of(t, id, ip)));
        op.succeed(new InstallResult(id, spec.name().orElse("vm-" + id), node, new Ipv4Cidr(ip, 24), spec.user(),
                spec.release(), CpuLevel.X86_64_V2_AES, Optional.empty(), t));
    }

    private synchronized VmId nextId() {
        for (int i = 100; i <= 254; i++) {
            if (!vms.containsKey(VmId.of(i))) {
                return VmId.of(i);
            }
        }
        throw new io.pveq.core.IpPoolExhaustedException("VMID 100-254");
    }

    private FakeOperation<VmOutcome> simple(OperationKind kind, VmId id, ProgressListener listener, NodeName target,
                                            VmStatus end) {
        if (ops.values().stream().anyMatch(o -> !o.state().isFinished() && o.vmId().equals(Optional.of(id)))) {
            throw new VmStateException(id, "another operation is running on VM " + id);
        }
        FakeOperation<VmOutcome> op = register(new FakeOperation<>(kind, id, listener));
        Ipv4Address ip = settings.network().gateway().withLastOctet(id.value());
        executor.execute(() -> {
            Duration t = Duration.ZERO;
            for (Stage s : kind.stages()) {
                op.emit(new StageStarted(s, "start " + s.label(), EventContext.of(t, id, ip)));
                t = t.plusMillis(50);
                op.emit(new StageSucceeded(s, s.label() + " done", Duration.ofMillis(50), EventContext.of(t, id, ip)));
            }
            vms.computeIfPresent(id, (k, v) -> vm(id, v.name(), v.os(), end, target, v.cpu(), v.diskGb(), v.memoryMb()));
            op.emit(new OperationSucceeded(Stage.FINALIZING, kind.label() + " completed", EventContext.of(t, id, ip)));
            op.succeed(new VmOutcome(id, target, end, Optional.of(ip), t));
        });
        return op;
    }

    @Override
    public VmStatus status(VmId vmId) {
        return existing(vmId).status();
    }

    @Override
    public Operation<VmOutcome> submitStart(VmId vmId, ProgressListener listener) {
        VmInfo v = existing(vmId);
        record("qm start " + vmId);
        return simple(OperationKind.START, vmId, listener, v.node(), VmStatus.RUNNING);
    }

    @Override
    public void stop(VmId vmId, io.pveq.core.LockPolicy locks) {
        VmInfo v = existing(vmId);
        record("qm stop " + vmId + (locks.skipsLock() ? " --skiplock" : ""));
        vms.put(vmId, vm(vmId, v.name(), v.os(), VmStatus.STOPPED, v.node(), v.cpu(), v.diskGb(), v.memoryMb()));
    }

    @Override
    public Operation<VmOutcome> submitShutdown(VmId vmId, Duration timeout, boolean force, ProgressListener listener) {
        VmInfo v = existing(vmId);
        record("qm shutdown " + vmId);
        return simple(OperationKind.SHUTDOWN, vmId, listener, v.node(), VmStatus.STOPPED);
    }

    @Override
    public Operation<VmOutcome> submitReboot(VmId vmId, ProgressListener listener) {
        VmInfo v = existing(vmId);
        if (!v.running()) {
            throw new VmStateException(vmId, "VM " + vmId + " is not running");
        }
        record("qm reboot " + vmId);
        return simple(OperationKind.REBOOT, vmId, listener, v.node(), VmStatus.RUNNING);
    }

    @Override
    public void setCpu(VmId vmId, int cpu, io.pveq.core.LockPolicy locks) {
        settings.limits().checkCpu("cpu", cpu);
        VmInfo v = existing(vmId);
        record("qm set " + vmId + " --cores " + cpu);
        vms.put(vmId, vm(vmId, v.name(), v.os(), v.status(), v.node(), cpu, v.diskGb(), v.memoryMb()));
    }

    @Override
    public void setMemory(VmId vmId, int memoryMb, io.pveq.core.LockPolicy locks) {
        settings.limits().checkRam("memory", memoryMb);
        VmInfo v = existing(vmId);
        record("qm set " + vmId + " --memory " + memoryMb);
        vms.put(vmId, vm(vmId, v.name(), v.os(), v.status(), v.node(), v.cpu(), v.diskGb(), memoryMb));
    }

    @Override
    public DiskSize growDisk(VmId vmId, DiskSize increment, io.pveq.core.LockPolicy locks) {
        VmInfo v = existing(vmId);
        DiskSize total = settings.limits().checkDiskGrowth("disk", DiskSize.ofGiB(v.diskGb()), increment);
        record("qm disk resize " + vmId + " scsi0 +" + increment);
        vms.put(vmId, vm(vmId, v.name(), v.os(), v.status(), v.node(), v.cpu(), total.roundedGiB(), v.memoryMb()));
        return total;
    }

    @Override
    public Operation<VmOutcome> submitMigrate(VmId vmId, NodeName target, ProgressListener listener) {
        if (!NODES.contains(target)) {
            throw new InvalidSpecException("node", "unknown node " + target);
        }
        VmInfo v = existing(vmId);
        if (v.node().equals(target)) {
            throw new InvalidSpecException("node", "VM " + vmId + " is already on " + target);
        }
        record("qm migrate " + vmId + " " + target);
        return simple(OperationKind.MIGRATE, vmId, listener, target, v.status());
    }

    @Override
    public void destroy(VmId vmId, io.pveq.core.LockPolicy locks) {
        existing(vmId);
        record("qm destroy " + vmId + " --purge" + (locks.skipsLock() ? " --skiplock" : ""));
        vms.remove(vmId);
    }

    @Override
    public List<String> checkAccess() {
        return List.of();
    }

    @Override
    public ClusterOverview overview() {
        record("pvesh get /cluster/resources");
        List<NodeInfo> nodes = NODES.stream()
                .map(n -> new NodeInfo(n, true, 32, 131072, 0.12, 0.31, 40960, 0.45)).toList();
        return new ClusterOverview(List.copyOf(vms.values()), nodes, Instant.now());
    }

    @Override
    public Optional<VmInfo> vm(VmId vmId) {
        record("pvesh get /cluster/resources");
        return Optional.ofNullable(vms.get(vmId));
    }

    @Override
    public List<NodeInfo> nodes() {
        return overview().nodes();
    }

    @Override
    public List<StorageInfo> storages(NodeName node) {
        return List.of();
    }

    @Override
    public Operations operations() {
        return new Operations() {
            @Override
            public List<Operation<?>> list() {
                List<Operation<?>> out = new ArrayList<>(submitted());
                Collections.reverse(out);
                return out;
            }

            @Override
            public Optional<Operation<?>> find(OperationId id) {
                return Optional.ofNullable(ops.get(id));
            }

            @Override
            public Optional<Operation<?>> runningFor(VmId vmId) {
                return list().stream().filter(o -> !o.state().isFinished() && o.vmId().equals(Optional.of(vmId))).findFirst();
            }
        };
    }

    @Override
    public ProvisionerSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        submitted().forEach(Operation::cancel);
        release();
        executor.shutdown();
    }

    /** @return an exception the inventory can be told to throw */
    public static ClusterUnavailableException unreachable() {
        return new ClusterUnavailableException("main node pve1 does not answer");
    }
}
