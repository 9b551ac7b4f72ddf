package io.pveq.api.internal;

import io.pveq.api.ApiConnectionException;
import io.pveq.api.Checksum;
import io.pveq.api.ChecksumAlgorithm;
import io.pveq.api.ClusterMember;
import io.pveq.api.ClusterResource;
import io.pveq.api.ContentType;
import io.pveq.api.DiskSpec;
import io.pveq.api.DownloadUrlSpec;
import io.pveq.api.GuestAgentUnavailableException;
import io.pveq.api.GuestExecStatus;
import io.pveq.api.GuestInterface;
import io.pveq.api.IpConfigSpec;
import io.pveq.api.MigrateSpec;
import io.pveq.api.NicSpec;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.StorageVolume;
import io.pveq.api.TaskEvent;
import io.pveq.api.TaskFailedException;
import io.pveq.api.TaskListener;
import io.pveq.api.TaskTimeoutException;
import io.pveq.api.Upid;
import io.pveq.api.UploadSpec;
import io.pveq.api.VmConfigUpdate;
import io.pveq.api.VmCreateSpec;
import io.pveq.api.VmCurrentStatus;
import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.Secret;
import io.pveq.core.SshPublicKey;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmId;
import io.pveq.core.VmLockedException;
import io.pveq.core.image.ImageChecksum;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.core.internal.cluster.AgentExec;
import io.pveq.core.internal.cluster.Calls;
import io.pveq.core.internal.cluster.LockOverride;
import io.pveq.core.internal.cluster.NewVm;
import io.pveq.core.internal.cluster.OpsContext;
import io.pveq.core.internal.cluster.PlacedImage;
import io.pveq.core.internal.cluster.ProxmoxOps;
import io.pveq.core.internal.cluster.TaskProgress;
import io.pveq.core.internal.pve.ClusterNode;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.ConfigUpdate;
import io.pveq.core.internal.pve.CreateVmSpec;
import io.pveq.core.internal.pve.NodeStatus;
import io.pveq.core.internal.pve.PveErrors;
import io.pveq.core.internal.pve.VmConfig;
import io.pveq.core.internal.pve.VmStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ProxmoxOps} in the REST API dialect, over a {@link ProxmoxApi}: no shell anywhere. Every task is
 * awaited with its log handed on as progress; a task's error text is mapped onto pveq's exceptions by the
 * recogniser the CLI dialect uses. Images are placed with {@code download-url} or an upload into an
 * {@code import} storage and imported with {@code import-from}; guests are reached through their agent.
 * Each request (and each awaited task) is reported to the listener as {@code METHOD /path/template}
 * (or {@code task TYPE}). The node list, the identity's privileges and the release are read once and kept
 * a minute. Closing closes the client. Thread-safe.
 */
public final class ApiOps implements ProxmoxOps {

    private static final Logger LOG = LoggerFactory.getLogger(ApiOps.class);
    private static final Duration KEEP = Duration.ofMinutes(1);
    private static final String VM = "/nodes/{node}/qemu/{vmid}";

    private record Kept<T>(T value, Instant until) {
    }

    private final ProxmoxApi api;
    private final ApiClients clients;
    private final OpsContext context;
    private final Calls calls;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Kept<Object>> kept = new ConcurrentHashMap<>();

    /**
     * @param api     the client (closed with these operations)
     * @param clients its parts, for the few parameters its typed calls leave out
     * @param context limits and the listener
     */
    public ApiOps(ProxmoxApi api, ApiClients clients, OpsContext context) {
        this.api = api;
        this.clients = clients;
        this.context = context;
        this.calls = new Calls(context.listener(), Dialect.API.label(),
                e -> e instanceof ApiConnectionException || e instanceof TaskTimeoutException);
    }

    @SuppressWarnings("unchecked")
    private <T> T keep(String key, Supplier<T> read) {
        Instant now = clock.instant();
        Kept<Object> k = kept.get(key);
        if (k != null && k.until().isAfter(now)) {
            return (T) k.value();
        }
        T value = read.get();
        kept.put(key, new Kept<>(value, now.plus(KEEP)));
        return value;
    }

    private <T> T call(NodeName node, String name, Supplier<T> work) {
        return calls.call(Optional.ofNullable(node), name, work);
    }

    private void run(NodeName node, String name, Runnable work) {
        calls.run(Optional.ofNullable(node), name, work);
    }

    /** Awaits a task, handing its log on, and maps a failed task's error text onto pveq's exceptions. */
    private void await(Upid upid, Duration timeout, Optional<VmId> vmId, TaskProgress progress) {
        TaskListener listener = event -> {
            if (event instanceof TaskEvent.Progress p) {
                progress.onLine(p.text(), p.percent());
            } else if (event instanceof TaskEvent.LogLine line) {
                progress.onLine(line.text(), OptionalDouble.empty());
            }
        };
        try {
            calls.call(Optional.of(upid.node()), "task " + upid.type(), () -> api.tasks().await(upid, timeout, listener));
        } catch (TaskFailedException e) {
            throw PveErrors.recognise(e.error(), upid.node().value(), "task " + upid.type(), vmId).orElse(e);
        }
    }

    private void await(Upid upid, Duration timeout, VmId vmId) {
        await(upid, timeout, Optional.of(vmId), TaskProgress.NONE);
    }

    @Override
    public Dialect dialect() {
        return Dialect.API;
    }

    @Override
    public String describe() {
        return "api " + api.url() + " as " + api.who();
    }

    @Override
    public String identity() {
        return api.who();
    }

    @Override
    public Optional<Set<String>> privileges(String aclPath) {
        if (api.who().equals("root@pam")) {
            return Optional.empty();
        }
        return Optional.of(keep("privileges " + aclPath, () -> call(null, "GET /access/permissions",
                () -> api.access().privileges(aclPath))));
    }

    @Override
    public Optional<Integer> pveMajor() {
        try {
            int major = keep("version", () -> call(null, "GET /version", () -> api.version().major()));
            return major > 0 ? Optional.of(major) : Optional.empty();
        } catch (PveqException e) {
            return Optional.empty();
        }
    }

    // ---- cluster and nodes -------------------------------------------------------------------------

    @Override
    public List<NodeName> reachableNodes() {
        return keep("nodes", () -> call(null, "GET /nodes", () -> api.nodes().list().stream()
                .map(io.pveq.api.NodeSummary::node).sorted().toList()));
    }

    @Override
    public Optional<NodeName> defaultNode() {
        try {
            return keep("local", () -> call(null, "GET /cluster/status", () -> api.cluster().status().members()
                    .stream().filter(ClusterMember::local).map(ClusterMember::name).findFirst()));
        } catch (PveqException e) {
            LOG.debug("cannot tell which node answers the API: {}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public List<ClusterNode> clusterNodes() {
        List<ClusterResource> all = call(null, "GET /cluster/resources", () -> Readers.resources(clients.http()
                .call(ApiCall.get(FormParams.empty().put("type", "node"), "cluster", "resources"))));
        List<ClusterNode> out = new ArrayList<>();
        for (ClusterResource r : all) {
            if (r instanceof ClusterResource.Node n) {
                out.add(new ClusterNode(n.node(), n.online() ? "online" : "offline", Optional.of(n.cpu()),
                        Optional.of(n.maxCpu()), Optional.of(n.mem()), Optional.of(n.maxMem()), Optional.of(n.disk()),
                        Optional.of(n.maxDisk()), Optional.of(n.uptime().toSeconds()), Optional.empty()));
            }
        }
        return out;
    }

    @Override
    public List<ClusterVm> clusterVms() {
        List<ClusterResource.Guest> guests = call(null, "GET /cluster/resources", () -> api.cluster().guests());
        List<ClusterVm> out = new ArrayList<>(guests.size());
        for (ClusterResource.Guest g : guests) {
            out.add(new ClusterVm(g.vmId(), g.type() == ClusterResource.GuestType.QEMU ? "qemu" : "lxc", g.node(),
                    g.status().label(), g.name().isEmpty() ? Optional.empty() : Optional.of(g.name()),
                    g.maxCpu() > 0 ? Optional.of(g.maxCpu()) : Optional.empty(), Optional.of(g.cpu()),
                    g.maxMem() > 0 ? Optional.of(g.maxMem()) : Optional.empty(), Optional.of(g.mem()),
                    g.maxDisk() > 0 ? Optional.of(g.maxDisk()) : Optional.empty(), Optional.of(g.uptime().toSeconds()),
                    g.template(), List.copyOf(g.tags()), g.lock(), g.pool(), Optional.empty()));
        }
        return out;
    }

    @Override
    public NodeStatus nodeStatus(NodeName node) {
        io.pveq.api.NodeStatus s = call(node, "GET /nodes/{node}/status", () -> api.nodes().status(node));
        return new NodeStatus(s.cpuFlags(), s.cpuModel(), s.cpus(), s.sockets(), s.memoryTotal(), s.memoryUsed(),
                Math.max(0, s.memoryTotal() - s.memoryUsed()), s.pveVersion(), s.loadAverage(),
                Optional.of(s.uptime().toSeconds()));
    }

    @Override
    public List<StorageInfo> storages(NodeName node) {
        return call(node, "GET /nodes/{node}/storage", () -> api.nodes().storages(node));
    }

    // ---- VMs ---------------------------------------------------------------------------------------

    @Override
    public void create(NodeName node, NewVm vm) {
        VmCreateSpec spec = createSpec(vm);
        Upid upid = call(node, "POST /nodes/{node}/qemu", () -> api.vms().create(node, spec));
        await(upid, context.longCommand(), vm.spec().vmId());
    }

    private static VmCreateSpec createSpec(NewVm vm) {
        CreateVmSpec s = vm.spec();
        if (s.importFrom().isPresent()) {
            throw new IllegalArgumentException("the REST API imports disks with import-from a volume, after the create");
        }
        VmCreateSpec.Builder b = VmCreateSpec.builder(s.vmId()).name(s.name()).cores(s.cores()).sockets(s.sockets())
                .memoryMiB(s.memoryMiB()).cpuType(s.cpuType()).osType(s.osType())
                .scsiHardware(io.pveq.core.internal.pve.QmCommands.SCSI_HARDWARE)
                .disk(DiskSpec.cloudInit(s.cloudInitSlot().key(), s.cloudInitStorage()))
                .nic(nic(s))
                .ciUser(s.ciUser())
                .ciUpgrade(s.ciUpgrade())
                .agent(s.agent())
                .serialSocket(0)
                .vga("serial0")
                .onBoot(s.onBoot());
        s.balloonMiB().ifPresent(b::balloonMiB);
        s.ciPassword().ifPresent(p -> b.ciPassword(Secret.of(p)));
        if (s.ipConfig().address().isPresent()) {
            Ipv4Cidr address = Ipv4Cidr.parse("ipconfig0", s.ipConfig().address().get() + "/" + s.ipConfig().prefix());
            b.ipConfig(s.ipConfig().gateway().isPresent() ? IpConfigSpec.staticIpv4(0, address,
                    Ipv4Address.parse("gateway", s.ipConfig().gateway().get()))
                    : new IpConfigSpec(0, Optional.of(address), Optional.empty(), Optional.empty()));
        } else {
            b.ipConfig(IpConfigSpec.dhcp(0));
        }
        s.nameserver().ifPresent(n -> b.nameservers(List.of(n.split(" "))));
        s.searchDomain().ifPresent(b::searchDomain);
        List<SshPublicKey> keys = new ArrayList<>();
        vm.authorizedKeys().lines().filter(l -> !l.isBlank()).forEach(l -> keys.add(SshPublicKey.parse("sshkeys", l)));
        if (!keys.isEmpty()) {
            b.sshKeys(keys);
        }
        if (!s.tags().isEmpty()) {
            b.tags(s.tags());
        }
        s.description().ifPresent(b::description);
        return b.build();
    }

    private static NicSpec nic(CreateVmSpec s) {
        return new NicSpec(0, "virtio", s.macAddress(), s.bridge(),
                s.vlanTag().map(java.util.OptionalInt::of).orElse(java.util.OptionalInt.empty()), false);
    }

    @Override
    public VmConfig config(NodeName node, VmId vmId) {
        return new VmConfig(call(node, "GET " + VM + "/config", () -> api.vms().config(node, vmId)).entries());
    }

    @Override
    public void update(NodeName node, VmId vmId, ConfigUpdate update) {
        VmConfigUpdate.Builder b = VmConfigUpdate.builder();
        update.options().forEach((key, value) -> {
            switch (key) {
                case "delete" -> b.delete(value.split(","));
                case "cipassword" -> b.ciPassword(Secret.of(value));
                case "sshkeys" -> throw new IllegalArgumentException("sshkeys is a file path only qm reads");
                default -> b.option(key, value);
            }
        });
        run(node, "PUT " + VM + "/config", () -> api.vms().updateConfig(node, vmId, b.build()));
    }

    @Override
    public String importDisk(NodeName node, VmId vmId, String slot, PlacedImage image, String storage,
                             Map<String, String> driveOptions, TaskProgress progress) {
        if (!image.volume()) {
            throw new InvalidSpecException("image", "over the REST API an image is imported from a volume id"
                    + " (STORAGE:import/FILE), got the path " + image.reference());
        }
        DiskSpec disk = DiskSpec.importFrom(slot, storage, image.reference());
        for (Map.Entry<String, String> option : driveOptions.entrySet()) {
            disk = disk.with(option.getKey(), option.getValue());
        }
        VmConfigUpdate update = VmConfigUpdate.builder().disk(disk).build();
        Upid upid = call(node, "POST " + VM + "/config", () -> api.vms().updateConfigAsync(node, vmId, update));
        await(upid, context.longCommand(), Optional.of(vmId), progress);
        VmConfig config = config(node, vmId);
        return config.disk(slot).flatMap(VmConfig.Disk::volume).map(Object::toString)
                .orElseThrow(() -> new io.pveq.core.StorageException(storage, "VM " + vmId + " has no " + slot
                        + " volume after importing " + image.reference()));
    }

    @Override
    public Optional<String> resize(NodeName node, VmId vmId, String disk, DiskSize size, boolean grow,
                                   LockOverride override) {
        if (override != LockOverride.NONE) {
            FormParams params = FormParams.empty().put("disk", disk).put("size", (grow ? "+" : "") + size)
                    .put("skiplock", true);
            ApiCall request = ApiCall.put(params, "nodes", node.value(), "qemu", vmId.toString(), "resize");
            Upid upid = call(node, "PUT " + VM + "/resize", () -> Upids.of(request, clients.http().call(request)));
            await(upid, context.command(), vmId);
            return Optional.empty();
        }
        Upid upid = call(node, "PUT " + VM + "/resize", () -> grow ? api.vms().grow(node, vmId, disk, size)
                : api.vms().resize(node, vmId, disk, size));
        await(upid, context.command(), vmId);
        return Optional.empty();
    }

    @Override
    public VmStatus status(NodeName node, VmId vmId) {
        VmCurrentStatus s = call(node, "GET " + VM + "/status/current", () -> api.vms().status(node, vmId));
        return new VmStatus(s.status().label(), s.qmpStatus(), s.name().isEmpty() ? Optional.empty()
                : Optional.of(s.name()), Optional.empty(), Optional.of(s.uptime().toSeconds()), s.lock(), Map.of());
    }

    @Override
    public void start(NodeName node, VmId vmId) {
        Upid upid = call(node, "POST " + VM + "/status/start", () -> api.vms().start(node, vmId));
        await(upid, context.command(), vmId);
    }

    @Override
    public void stop(NodeName node, VmId vmId, LockOverride override) {
        if (override == LockOverride.OWN_CREATE) {
            awaitCreateLock(node, vmId);
        }
        Upid upid = override == LockOverride.OPERATOR ? power(node, vmId, "stop", FormParams.empty().put("skiplock", true))
                : call(node, "POST " + VM + "/status/stop", () -> api.vms().stop(node, vmId));
        await(upid, context.command(), vmId);
    }

    private Upid power(NodeName node, VmId vmId, String action, FormParams params) {
        ApiCall request = ApiCall.post(params, "nodes", node.value(), "qemu", vmId.toString(), "status", action);
        return call(node, "POST " + VM + "/status/" + action, () -> Upids.of(request, clients.http().call(request)));
    }

    @Override
    public void shutdown(NodeName node, VmId vmId, Duration timeout, boolean forceStop) {
        Upid upid = call(node, "POST " + VM + "/status/shutdown", () -> api.vms().shutdown(node, vmId,
                Optional.of(timeout), forceStop));
        await(upid, context.command().plus(timeout), vmId);
    }

    @Override
    public void reboot(NodeName node, VmId vmId, Duration timeout) {
        Upid upid = power(node, vmId, "reboot", FormParams.empty().put("timeout", Math.max(1, timeout.toSeconds())));
        await(upid, context.command().plus(timeout), vmId);
    }

    @Override
    public void destroy(NodeName node, VmId vmId, LockOverride override) {
        if (override == LockOverride.OWN_CREATE) {
            awaitCreateLock(node, vmId);
        }
        FormParams params = FormParams.empty().put("purge", true).put("destroy-unreferenced-disks", true);
        if (override == LockOverride.OPERATOR) {
            params.put("skiplock", true);
        }
        ApiCall request = ApiCall.delete(params, "nodes", node.value(), "qemu", vmId.toString());
        Upid upid = call(node, "DELETE " + VM, () -> Upids.of(request, clients.http().call(request)));
        await(upid, context.longCommand(), vmId);
    }

    /**
     * A create over the API runs as a task on the node whatever became of the client; its {@code create}
     * lock goes when the task ends. Waits for that (a token may not pass {@code skiplock}).
     */
    private void awaitCreateLock(NodeName node, VmId vmId) {
        Instant until = clock.instant().plus(context.longCommand());
        long pause = 100;
        while (true) {
            Optional<String> lock = config(node, vmId).lock();
            if (lock.isEmpty() || !lock.get().equals("create")) {
                return;
            }
            if (clock.instant().isAfter(until)) {
                throw new VmLockedException(vmId, "create", "VM " + vmId + " still carries the lock of its create after "
                        + context.longCommand().toMinutes() + " min; the create task on " + node + " may hang");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.pveq.core.OperationCancelledException("interrupted while VM " + vmId + "'s create ended");
            }
            pause = Math.min(pause * 2, 2000);
        }
    }

    @Override
    public void migrate(NodeName node, VmId vmId, NodeName target, boolean online, TaskProgress progress) {
        MigrateSpec spec = MigrateSpec.to(target).moveLocalDisks();
        MigrateSpec chosen = online ? spec.live() : spec;
        Upid upid = call(node, "POST " + VM + "/migrate", () -> api.vms().migrate(node, vmId, chosen));
        await(upid, context.longCommand(), Optional.of(vmId), progress);
    }

    // ---- images ----------------------------------------------------------------------------------

    private static String volume(String storage, String fileName) {
        return storage + ":import/" + fileName;
    }

    @Override
    public Optional<PlacedImage> findImage(NodeName node, String storage, String fileName) {
        String wanted = volume(storage, fileName);
        List<StorageVolume> content = call(node, "GET /nodes/{node}/storage/{storage}/content",
                () -> api.nodes().content(node, storage, Optional.of("import")));
        return content.stream().filter(v -> v.volid().equals(wanted)).findFirst()
                .map(v -> new PlacedImage(node, wanted, true));
    }

    @Override
    public Optional<PlacedImage> imageTarget(NodeName node, String storage, String fileName) {
        return Optional.of(new PlacedImage(node, volume(storage, fileName), true));
    }

    @Override
    public boolean canDownload() {
        return true;
    }

    private static Checksum checksum(ImageChecksum checksum) {
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            if (a.word().equals(checksum.algorithm())) {
                return new Checksum(a, checksum.hex());
            }
        }
        throw new InvalidSpecException("checksum", "unknown algorithm " + checksum.algorithm());
    }

    @Override
    public PlacedImage downloadImage(NodeName node, String storage, String fileName, ImageSource source,
                                     ImageChecksum checksum, TaskProgress progress) {
        DownloadUrlSpec spec = DownloadUrlSpec.of(source.imageUri(), ContentType.IMPORT, fileName)
                .checksum(checksum(checksum));
        Upid upid = call(node, "POST /nodes/{node}/storage/{storage}/download-url",
                () -> api.storage().downloadUrl(node, storage, spec));
        await(upid, context.longCommand(), Optional.empty(), progress);
        return new PlacedImage(node, volume(storage, fileName), true);
    }

    @Override
    public PlacedImage uploadImage(NodeName node, String storage, String fileName, LocalImage image,
                                   ImageChecksum checksum, ImageProvider.DownloadProgress progress) {
        UploadSpec spec = UploadSpec.of(image.file(), ContentType.IMPORT, fileName).checksum(checksum(checksum));
        Upid upid = call(node, "POST /nodes/{node}/storage/{storage}/upload", () -> api.storage().upload(node, storage,
                spec, (sent, total) -> progress.onProgress(sent, total, 0)));
        await(upid, context.longCommand(), Optional.empty(), TaskProgress.NONE);
        return new PlacedImage(node, volume(storage, fileName), true);
    }

    @Override
    public void removeImage(PlacedImage image) {
        if (!image.removable() || !image.volume()) {
            return;
        }
        try {
            Optional<Upid> upid = call(image.node(), "DELETE /nodes/{node}/storage/{storage}/content/{volume}",
                    () -> api.storage().deleteVolume(image.node(), image.reference()));
            upid.ifPresent(u -> await(u, context.command(), Optional.empty(), TaskProgress.NONE));
        } catch (io.pveq.api.ProxmoxApiException e) {
            if (e.status() == 404 || String.valueOf(e.reason()).contains("does not exist")) {
                return; // gone already
            }
            throw e;
        }
    }

    // ---- the guest agent -------------------------------------------------------------------------

    @Override
    public boolean agentSupported() {
        return true;
    }

    @Override
    public boolean agentPing(NodeName node, VmId vmId) {
        try {
            run(node, "POST " + VM + "/agent/ping", () -> api.agent().ping(node, vmId));
            return true;
        } catch (GuestAgentUnavailableException e) {
            return false;
        }
    }

    @Override
    public int agentExec(NodeName node, VmId vmId, List<String> command, Optional<Secret> input) {
        return call(node, "POST " + VM + "/agent/exec", () -> api.agent().exec(node, vmId, command, input));
    }

    @Override
    public AgentExec agentExecStatus(NodeName node, VmId vmId, int pid) {
        GuestExecStatus s = call(node, "GET " + VM + "/agent/exec-status", () -> api.agent().execStatus(node, vmId, pid));
        return new AgentExec(s.exited(), s.exitCode(), s.stdout(), s.stderr());
    }

    @Override
    public List<Ipv4Address> agentAddresses(NodeName node, VmId vmId) {
        try {
            List<GuestInterface> nics = call(node, "GET " + VM + "/agent/network-get-interfaces",
                    () -> api.agent().networkInterfaces(node, vmId));
            List<Ipv4Address> out = new ArrayList<>();
            for (GuestInterface nic : nics) {
                for (GuestInterface.Address a : nic.addresses()) {
                    if (!a.ipv6() && !a.local()) {
                        try {
                            out.add(Ipv4Address.parse("address", a.address()));
                        } catch (InvalidSpecException ignored) {
                            // not an address pveq can hand out anyway
                        }
                    }
                }
            }
            return out;
        } catch (PveqException e) {
            LOG.debug("the guest agent of VM {} reports no addresses: {}", vmId, e.getMessage());
            return List.of();
        }
    }

    @Override
    public void close() {
        api.close();
    }
}
