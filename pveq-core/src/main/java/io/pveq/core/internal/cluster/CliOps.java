package io.pveq.core.internal.cluster;

import io.pveq.core.CommandLineCluster;
import io.pveq.core.DiskSize;
import io.pveq.core.ImageException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.Secret;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmId;
import io.pveq.core.image.ImageChecksum;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.core.internal.pve.ClusterNode;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.ConfigUpdate;
import io.pveq.core.internal.pve.DiskImportOutput;
import io.pveq.core.internal.pve.NodeStatus;
import io.pveq.core.internal.pve.PropertyString;
import io.pveq.core.internal.pve.PveNode;
import io.pveq.core.internal.pve.VmConfig;
import io.pveq.core.internal.pve.VmStatus;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.OutputListener;
import io.pveq.core.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ProxmoxOps} in the CLI dialect: {@code qm}, {@code pvesh} and {@code pvesm} run as root through
 * each node's {@link io.pveq.core.transport.CommandTransport} (local or SSH), cluster state read with
 * {@code pvesh} on the main node. Images go to the local node as the cached file itself and to remote
 * nodes by an upload (atomic, checked against its SHA-256) into the image folder; concurrent placements
 * of one file share one upload. The guest agent and node-side downloads are the API dialect's. Every
 * command and upload is reported to the listener. Thread-safe.
 */
public final class CliOps implements ProxmoxOps {

    private static final Logger LOG = LoggerFactory.getLogger(CliOps.class);
    private static final Duration FILE_CHECK = Duration.ofSeconds(30);

    /** One node as the CLI dialect reaches it. */
    record Reach(ListeningTransport transport, boolean local, boolean canUpload, PveNode pve) {
    }

    private final NodeName main;
    private final Map<NodeName, Reach> nodes = new TreeMap<>();
    private final String imageDirectory;
    private final Calls calls;
    private final Map<String, CompletableFuture<PlacedImage>> uploads = new ConcurrentHashMap<>();

    /**
     * @param main           where cluster state is read
     * @param connections    every node's transport
     * @param imageDirectory absolute folder on remote nodes for uploaded images
     * @param context        limits and the listener
     */
    public CliOps(NodeName main, Map<NodeName, CommandLineCluster.Node> connections, String imageDirectory,
                  OpsContext context) {
        this.main = main;
        this.imageDirectory = imageDirectory;
        this.calls = new Calls(context.listener(), Dialect.CLI.label(), e -> e instanceof TransportException);
        PveNode.Timeouts timeouts = new PveNode.Timeouts(context.command(), context.command(), context.longCommand());
        connections.forEach((name, c) -> {
            ListeningTransport t = new ListeningTransport(name, c.transport(), c.files(), calls);
            nodes.put(name, new Reach(t, c.local(), c.files().isPresent(), new PveNode(name, t, timeouts)));
        });
        if (!nodes.containsKey(main)) {
            throw new NodeUnavailableException(main.value(), "no connection for the main node " + main);
        }
    }

    private Reach reach(NodeName node) {
        Reach r = nodes.get(node);
        if (r == null) {
            throw new NodeUnavailableException(node.value(), "node " + node + " has no transport (reachable: "
                    + nodes.keySet() + ")");
        }
        return r;
    }

    private PveNode pve(NodeName node) {
        return reach(node).pve();
    }

    @Override
    public Dialect dialect() {
        return Dialect.CLI;
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder("cli");
        nodes.forEach((name, r) -> b.append(' ').append(name).append('=').append(r.transport().describe()));
        return b.toString();
    }

    @Override
    public String identity() {
        return "root@pam";
    }

    @Override
    public Optional<java.util.Set<String>> privileges(String aclPath) {
        return Optional.empty();
    }

    @Override
    public Optional<Integer> pveMajor() {
        try {
            return pve(main).nodeStatus(main).pveMajor();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<NodeName> reachableNodes() {
        return List.copyOf(nodes.keySet());
    }

    @Override
    public Optional<NodeName> defaultNode() {
        return Optional.of(main);
    }

    @Override
    public List<ClusterNode> clusterNodes() {
        return pve(main).clusterNodes();
    }

    @Override
    public List<ClusterVm> clusterVms() {
        return pve(main).clusterVms();
    }

    @Override
    public NodeStatus nodeStatus(NodeName node) {
        return pve(main).nodeStatus(node);
    }

    @Override
    public List<StorageInfo> storages(NodeName node) {
        return pve(nodes.containsKey(node) ? node : main).storages(node);
    }

    @Override
    public void create(NodeName node, NewVm vm) {
        Reach target = reach(node);
        if (vm.authorizedKeys().isBlank()) {
            target.pve().create(vm.spec(), Optional.empty());
            return;
        }
        try (KeysFile keys = KeysFile.write(node, target, vm.authorizedKeys())) {
            target.pve().create(vm.spec().withSshKeysFile(keys.path()), Optional.empty());
        }
    }

    @Override
    public VmConfig config(NodeName node, VmId vmId) {
        return pve(node).config(vmId);
    }

    @Override
    public void update(NodeName node, VmId vmId, ConfigUpdate update) {
        pve(node).set(vmId, update);
    }

    @Override
    public String importDisk(NodeName node, VmId vmId, String slot, PlacedImage image, String storage,
                             Map<String, String> driveOptions, TaskProgress progress) {
        PveNode pve = pve(node);
        OutputListener lines = (stream, line) -> progress.onLine(line, DiskImportOutput.progressPercent(line)
                .map(OptionalDouble::of).orElse(OptionalDouble.empty()));
        DiskImportOutput.ImportedDisk imported = pve.importDisk(vmId, image.reference(), storage, Optional.empty(),
                Optional.of(lines));
        PropertyString.Builder options = PropertyString.builder();
        driveOptions.forEach(options::put);
        pve.set(vmId, ConfigUpdate.builder().disk(slot, imported.volume(), options.build()).build());
        return imported.volume().toString();
    }

    @Override
    public Optional<String> resize(NodeName node, VmId vmId, String disk, DiskSize size, boolean grow,
                                   LockOverride override) {
        PveNode pve = pve(node);
        return grow ? pve.growBy(vmId, disk, size, override != LockOverride.NONE) : pve.resizeTo(vmId, disk, size);
    }

    @Override
    public VmStatus status(NodeName node, VmId vmId) {
        return pve(node).status(vmId);
    }

    @Override
    public void start(NodeName node, VmId vmId) {
        pve(node).start(vmId);
    }

    @Override
    public void stop(NodeName node, VmId vmId, LockOverride override) {
        pve(node).stop(vmId, override != LockOverride.NONE);
    }

    @Override
    public void shutdown(NodeName node, VmId vmId, Duration timeout, boolean forceStop) {
        pve(node).shutdown(vmId, timeout, forceStop);
    }

    @Override
    public void reboot(NodeName node, VmId vmId, Duration timeout) {
        pve(node).reboot(vmId, timeout);
    }

    @Override
    public void destroy(NodeName node, VmId vmId, LockOverride override) {
        pve(node).destroy(vmId, true, true, override != LockOverride.NONE);
    }

    @Override
    public void migrate(NodeName node, VmId vmId, NodeName target, boolean online, TaskProgress progress) {
        OutputListener lines = (stream, line) -> progress.onLine(line, DiskImportOutput.progressPercent(line)
                .map(OptionalDouble::of).orElse(OptionalDouble.empty()));
        pve(node).migrate(vmId, target, online, true, Optional.empty(), Optional.of(lines));
    }

    // ---- images ----------------------------------------------------------------------------------

    private String path(String fileName) {
        if (!fileName.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,200}")) {
            throw new ImageException("not a plain image file name: " + fileName);
        }
        return imageDirectory + "/" + fileName;
    }

    @Override
    public Optional<PlacedImage> findImage(NodeName node, String storage, String fileName) {
        Reach r = reach(node);
        if (r.local()) {
            return Optional.empty(); // the cached file itself is used in place
        }
        String path = path(fileName);
        CommandResult stat;
        try {
            stat = r.transport().run(CommandRequest.builder(List.of("stat", "-c", "%s", path)).timeout(FILE_CHECK)
                    .build());
        } catch (TransportException e) {
            throw new ImageException("cannot check for the image on node " + node + ": " + e.getMessage(), e);
        }
        // the file transfer writes the file only by renaming it after checking its SHA-256: present means whole
        return stat.succeeded() ? Optional.of(new PlacedImage(node, path, true)) : Optional.empty();
    }

    @Override
    public Optional<PlacedImage> imageTarget(NodeName node, String storage, String fileName) {
        return reach(node).local() ? Optional.empty() : Optional.of(new PlacedImage(node, path(fileName), true));
    }

    @Override
    public boolean canDownload() {
        return false;
    }

    @Override
    public PlacedImage downloadImage(NodeName node, String storage, String fileName, ImageSource source,
                                     ImageChecksum checksum, TaskProgress progress) {
        throw new UnsupportedOperationException("a node reached by commands gets images uploaded by pveq");
    }

    @Override
    public PlacedImage uploadImage(NodeName node, String storage, String fileName, LocalImage image,
                                   ImageChecksum checksum, ImageProvider.DownloadProgress progress) {
        Reach r = reach(node);
        if (r.local()) {
            return new PlacedImage(node, image.file().toAbsolutePath().toString(), false);
        }
        if (!r.canUpload()) {
            throw new ImageException("cannot place the " + image.release() + " image on node " + node + ": its"
                    + " transport (" + r.transport().describe() + ") cannot copy files");
        }
        String path = path(fileName);
        CompletableFuture<PlacedImage> mine = new CompletableFuture<>();
        CompletableFuture<PlacedImage> running = uploads.putIfAbsent(node + " " + path, mine);
        if (running != null) {
            return join(running);
        }
        try {
            LOG.info("uploading {} to node {} as {}", image.file(), node, path);
            r.transport().upload(image.file(), path, image.sha256Hex(),
                    (sent, total) -> progress.onProgress(sent, total, 0));
            PlacedImage placed = new PlacedImage(node, path, true);
            mine.complete(placed);
            return placed;
        } catch (TransportException e) {
            ImageException failure = new ImageException("upload of the " + image.release() + " image to node " + node
                    + " failed: " + e.getMessage(), e);
            mine.completeExceptionally(failure);
            throw failure;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            uploads.remove(node + " " + path, mine);
        }
    }

    private static PlacedImage join(CompletableFuture<PlacedImage> running) {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.pveq.core.OperationCancelledException("interrupted while another install uploaded the image");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new ImageException(String.valueOf(e.getCause()));
        }
    }

    @Override
    public void removeImage(PlacedImage image) {
        if (!image.removable() || image.volume()) {
            return;
        }
        CommandResult r = reach(image.node()).transport().run(CommandRequest.builder(
                List.of("rm", "-f", "--", image.reference())).timeout(FILE_CHECK).build());
        if (!r.succeeded()) {
            throw new ImageException("cannot remove " + image.reference() + " on node " + image.node() + ": "
                    + r.stderrTail(200));
        }
    }

    // ---- the guest agent: the API dialect's ---------------------------------------------------------

    @Override
    public boolean agentSupported() {
        return false;
    }

    @Override
    public boolean agentPing(NodeName node, VmId vmId) {
        throw new UnsupportedOperationException("the guest agent is reached through the REST API connection");
    }

    @Override
    public int agentExec(NodeName node, VmId vmId, List<String> command, Optional<Secret> input) {
        throw new UnsupportedOperationException("the guest agent is reached through the REST API connection");
    }

    @Override
    public AgentExec agentExecStatus(NodeName node, VmId vmId, int pid) {
        throw new UnsupportedOperationException("the guest agent is reached through the REST API connection");
    }

    @Override
    public List<Ipv4Address> agentAddresses(NodeName node, VmId vmId) {
        return List.of();
    }

    @Override
    public void close() {
        for (Reach r : nodes.values()) {
            try {
                r.transport().close();
            } catch (RuntimeException e) {
                LOG.warn("closing the transport {} failed", r.transport().describe(), e);
            }
        }
    }
}
