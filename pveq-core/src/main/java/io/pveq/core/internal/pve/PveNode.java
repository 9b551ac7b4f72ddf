package io.pveq.core.internal.pve;

import io.pveq.core.StorageInfo;
import io.pveq.core.DiskSize;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.internal.pve.DiskImportOutput.CreatedDisk;
import io.pveq.core.internal.pve.DiskImportOutput.ImportedDisk;
import io.pveq.core.internal.pve.PveshCommands.ResourceType;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Proxmox node reached through a {@link CommandTransport}: runs the typed {@code qm}, {@code pvesh}
 * and {@code pvesm} commands there and returns parsed records, or throws the classified pveq exception
 * ({@link PveErrors}). Every method blocks until the command ends. Thread-safe when the transport is
 * (transports are required to be); holds no other state. Does not close the transport.
 *
 * <p>Exceptions common to all methods: {@link io.pveq.core.CommandFailedException} (unrecognised
 * failure), {@link io.pveq.core.LockTimeoutException}, {@link io.pveq.core.ClusterUnavailableException},
 * {@link UnexpectedOutputException} (unreadable success output), and the transport's own
 * {@link io.pveq.core.transport.TransportException} / {@link io.pveq.core.transport.CommandTimeoutException}.
 */
public final class PveNode {

    private static final Logger LOG = LoggerFactory.getLogger(PveNode.class);

    /**
     * Limits for the three kinds of command.
     *
     * @param query reads ({@code qm status}, {@code pvesh get}, ...)
     * @param task  VM tasks ({@code start}, {@code stop}, {@code destroy}, {@code set}, ...)
     * @param disk  disk-heavy tasks ({@code create} with import, {@code disk import}, {@code migrate})
     */
    public record Timeouts(Duration query, Duration task, Duration disk) {

        /** 1 minute, 10 minutes, 2 hours. */
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofMinutes(1), Duration.ofMinutes(10),
                Duration.ofHours(2));

        /** Validates. */
        public Timeouts {
            for (Duration d : new Duration[] {query, task, disk}) {
                if (Objects.requireNonNull(d, "timeout").isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("timeouts must be positive, got " + d);
                }
            }
        }
    }

    private final NodeName name;
    private final CommandTransport transport;
    private final Timeouts timeouts;

    /**
     * @param name      the node's Proxmox name
     * @param transport how to run commands on it
     * @param timeouts  command limits
     */
    public PveNode(NodeName name, CommandTransport transport, Timeouts timeouts) {
        this.name = Objects.requireNonNull(name, "name");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    /**
     * A node with {@link Timeouts#DEFAULT}.
     *
     * @param name      the node's Proxmox name
     * @param transport how to run commands on it
     */
    public PveNode(NodeName name, CommandTransport transport) {
        this(name, transport, Timeouts.DEFAULT);
    }

    /** @return the node name */
    public NodeName name() {
        return name;
    }

    // ---- qm: lifecycle -------------------------------------------------------------------------

    /**
     * Creates the VM, importing its system disk. A taken VMID throws {@link io.pveq.core.VmExistsException}
     * (the claim failed: try the next id); a bad storage {@link io.pveq.core.StorageException}.
     *
     * @param progress receives output lines (see {@link DiskImportOutput#progressPercent})
     * @return the disks Proxmox reports created (system disk, cloud-init drive)
     */
    public List<CreatedDisk> create(CreateVmSpec spec, Optional<OutputListener> progress) {
        CommandResult r = run(QmCommands.create(spec), timeouts.disk(), progress, Optional.of(spec.vmId()), false);
        return DiskImportOutput.created(r.stdout());
    }

    /** Imports an image as an unused disk ({@code qm disk import}); returns where it went. */
    public ImportedDisk importDisk(VmId vmId, String source, String storage, Optional<String> format,
                                   Optional<OutputListener> progress) {
        CommandRequest request = QmCommands.diskImport(vmId, source, storage, format);
        CommandResult r = run(request, timeouts.disk(), progress, Optional.of(vmId), false);
        return DiskImportOutput.imported(request.displayLine(), r.stdout());
    }

    /**
     * The same import through the old alias {@code qm importdisk}, for nodes whose qemu-server predates
     * {@code qm disk import}; the output is read the same way.
     */
    public ImportedDisk importDiskLegacy(VmId vmId, String source, String storage, Optional<String> format,
                                         Optional<OutputListener> progress) {
        CommandRequest request = QmCommands.importDiskLegacy(vmId, source, storage, format);
        CommandResult r = run(request, timeouts.disk(), progress, Optional.of(vmId), false);
        return DiskImportOutput.imported(request.displayLine(), r.stdout());
    }

    /** Applies {@code qm set}; returns disks it created (e.g. a cloud-init drive), possibly none. */
    public List<CreatedDisk> set(VmId vmId, ConfigUpdate update) {
        CommandResult r = run(QmCommands.set(vmId, update), timeouts.task(), Optional.empty(), Optional.of(vmId), false);
        return DiskImportOutput.created(r.stdout());
    }

    /**
     * Grows {@code disk} to {@code size}. A failure inside the resize task is printed on stderr with exit
     * code 0, but so are harmless warnings (LVM's thin-pool overcommit notice, for one), so stderr alone
     * cannot decide: the caller re-reads the config and treats the returned text as the failure's
     * explanation when the size did not take effect, else as a warning.
     *
     * @return the stderr lines not known to be harmless (a redacted tail), empty when there are none
     * @throws io.pveq.core.PveqException when the command fails with a non-zero exit code
     */
    public Optional<String> resizeTo(VmId vmId, String disk, DiskSize size) {
        return resize(QmCommands.resizeTo(vmId, disk, size), vmId);
    }

    /**
     * Grows {@code disk} by {@code size}, through a config lock when {@code skipLock}; see {@link #resizeTo}
     * for what the returned text means.
     */
    public Optional<String> growBy(VmId vmId, String disk, DiskSize size, boolean skipLock) {
        return resize(QmCommands.growBy(vmId, disk, size, skipLock), vmId);
    }

    private Optional<String> resize(CommandRequest request, VmId vmId) {
        CommandResult r = run(request, timeouts.task(), Optional.empty(), Optional.of(vmId), false);
        return PveErrors.failed(r, true) ? Optional.of(PveErrors.redactedTail(request, r.stderr()).strip())
                : Optional.empty();
    }

    /** Starts the VM; {@link io.pveq.core.VmStateException} when already running. */
    public void start(VmId vmId) {
        task(QmCommands.start(vmId, Optional.empty()), vmId);
    }

    /** Stops the VM at once (power off). */
    public void stop(VmId vmId, boolean skipLock) {
        task(QmCommands.stop(vmId, skipLock, Optional.empty()), vmId);
    }

    /** ACPI shutdown, waiting at most {@code timeout}; {@code forceStop} powers off after it. */
    public void shutdown(VmId vmId, Duration timeout, boolean forceStop) {
        run(QmCommands.shutdown(vmId, Optional.of(timeout), forceStop), timeouts.task().plus(timeout),
                Optional.empty(), Optional.of(vmId), false);
    }

    /** Reboots the VM (ACPI), waiting at most {@code timeout} for the shutdown part. */
    public void reboot(VmId vmId, Duration timeout) {
        run(QmCommands.reboot(vmId, Optional.of(timeout)), timeouts.task().plus(timeout), Optional.empty(),
                Optional.of(vmId), false);
    }

    /** Destroys the VM and its disks; {@link io.pveq.core.VmStateException} when it is running. */
    public void destroy(VmId vmId, boolean purge, boolean destroyUnreferencedDisks, boolean skipLock) {
        task(QmCommands.destroy(vmId, purge, destroyUnreferencedDisks, skipLock), vmId);
    }

    /** Migrates the VM to {@code target}. */
    public void migrate(VmId vmId, NodeName target, boolean online, boolean withLocalDisks,
                        Optional<String> targetStorage, Optional<OutputListener> progress) {
        run(QmCommands.migrate(vmId, target, online, withLocalDisks, targetStorage), timeouts.disk(), progress,
                Optional.of(vmId), false);
    }

    // ---- qm: reads -----------------------------------------------------------------------------

    /** {@code qm status}; {@link io.pveq.core.VmNotFoundException} when the VM is not on this node. */
    public VmStatus status(VmId vmId) {
        CommandRequest request = QmCommands.status(vmId, false);
        return QmParsers.status(request.displayLine(), query(request, Optional.of(vmId)));
    }

    /** {@code qm status --verbose}: adds name, pid, uptime, qmpstatus, lock. */
    public VmStatus statusVerbose(VmId vmId) {
        CommandRequest request = QmCommands.status(vmId, true);
        return QmParsers.status(request.displayLine(), query(request, Optional.of(vmId)));
    }

    /** {@code qm config}. */
    public VmConfig config(VmId vmId) {
        CommandRequest request = QmCommands.config(vmId);
        return QmParsers.config(request.displayLine(), query(request, Optional.of(vmId)));
    }

    /** {@code qm list}: the VMs on this node only. */
    public List<VmListEntry> list() {
        CommandRequest request = QmCommands.list();
        return QmParsers.list(request.displayLine(), query(request, Optional.empty()));
    }

    /** {@code qm cloudinit dump}: the generated cloud-init document, verbatim. */
    public String cloudInitDump(VmId vmId, QmCommands.CloudInitSection section) {
        return query(QmCommands.cloudInitDump(vmId, section), Optional.of(vmId));
    }

    // ---- pvesh / pvesm ---------------------------------------------------------------------------

    /** Cluster-wide guests (qemu and lxc) as this node sees them (refreshed by Proxmox about every 10 s). */
    public List<ClusterVm> clusterVms() {
        CommandRequest request = PveshCommands.clusterResources(Optional.of(ResourceType.VM));
        return PveshParsers.clusterVms(request.displayLine(), query(request, Optional.empty()));
    }

    /** Cluster nodes with status, from {@code /cluster/resources --type node}. */
    public List<ClusterNode> clusterNodes() {
        CommandRequest request = PveshCommands.clusterResources(Optional.of(ResourceType.NODE));
        return PveshParsers.nodes(request.displayLine(), query(request, Optional.empty()));
    }

    /** Nodes from {@code /nodes}. */
    public List<ClusterNode> nodes() {
        CommandRequest request = PveshCommands.nodes();
        return PveshParsers.nodes(request.displayLine(), query(request, Optional.empty()));
    }

    /** {@code /nodes/{node}/status} of any cluster node (pvesh proxies to it). */
    public NodeStatus nodeStatus(NodeName node) {
        CommandRequest request = PveshCommands.nodeStatus(node);
        return PveshParsers.nodeStatus(request.displayLine(), query(request, Optional.empty()));
    }

    /** Storages of {@code node} with usage, from {@code /nodes/{node}/storage}. */
    public List<StorageInfo> storages(NodeName node) {
        CommandRequest request = PveshCommands.nodeStorage(node);
        return PveshParsers.storages(request.displayLine(), query(request, Optional.empty()));
    }

    /** A VMID suggestion from {@code /cluster/nextid}; NOT reserved (the create is the claim). */
    public VmId nextId() {
        CommandRequest request = PveshCommands.nextId();
        return PveshParsers.nextId(request.displayLine(), query(request, Optional.empty()));
    }

    /** The {@code pvesm status} table of this node. */
    public List<StorageInfo> pvesmStatus() {
        CommandRequest request = PvesmCommands.status(Optional.empty());
        return PvesmParsers.status(request.displayLine(), query(request, Optional.empty()));
    }

    // ---- running -------------------------------------------------------------------------------

    private void task(CommandRequest request, VmId vmId) {
        run(request, timeouts.task(), Optional.empty(), Optional.of(vmId), false);
    }

    private String query(CommandRequest request, Optional<VmId> vmId) {
        return run(request, timeouts.query(), Optional.empty(), vmId, false).stdout();
    }

    /** Runs {@code template} (argv, secret marks and standard input kept) with this timeout and listener. */
    CommandResult run(CommandRequest template, Duration timeout, Optional<OutputListener> listener,
                      Optional<VmId> vmId, boolean exitZeroMayFail) {
        CommandRequest request = CommandRequest.builder(template.argv())
                .secret(template.secretArgs().stream().mapToInt(Integer::intValue).toArray())
                .stdin(template.stdin().orElse(null))
                .timeout(timeout)
                .listener(listener.orElse(null))
                .build();
        LOG.debug("node {}: {}", name, request.displayLine());
        CommandResult result = transport.run(request);
        if (PveErrors.failed(result, exitZeroMayFail)) {
            LOG.debug("node {}: `{}` failed with exit {}", name, request.displayLine(), result.exitCode());
            throw PveErrors.classify(name, request, result, vmId);
        }
        return result;
    }
}
