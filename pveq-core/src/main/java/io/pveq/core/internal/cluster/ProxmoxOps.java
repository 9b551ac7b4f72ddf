package io.pveq.core.internal.cluster;

import io.pveq.core.DiskSize;
import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import io.pveq.core.image.ImageChecksum;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.core.internal.pve.ClusterNode;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.ConfigUpdate;
import io.pveq.core.internal.pve.NodeStatus;
import io.pveq.core.StorageInfo;
import io.pveq.core.internal.pve.VmConfig;
import io.pveq.core.internal.pve.VmStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Proxmox VE operations the engine needs, in one dialect: the CLI ({@code qm}, {@code pvesh} through a
 * {@link io.pveq.core.transport.CommandTransport} per node) or the REST API (an API token). The install
 * pipeline, allocation, CPU detection, lifecycle, listing and rollback are written once against this.
 *
 * <p>Contract for both dialects: every method blocks until Proxmox has finished (a task is awaited, its log
 * handed to the {@link TaskProgress}); failures are the pveq exceptions the texts of FACTS.md map to
 * ({@link io.pveq.core.VmExistsException} when a create loses its VMID, {@link io.pveq.core.VmNotFoundException},
 * {@link io.pveq.core.VmLockedException}, {@link io.pveq.core.LockTimeoutException},
 * {@link io.pveq.core.VmStateException} with Proxmox's text ({@code already running}, {@code not running},
 * {@code got timeout}), {@link io.pveq.core.StorageException}, {@link io.pveq.core.NodeUnavailableException},
 * {@link io.pveq.core.ClusterUnavailableException}); a lost connection is a
 * {@link io.pveq.core.transport.TransportException} (CLI) or the API client's connection exception, both
 * {@link io.pveq.core.PveqException}s. Every call is reported to the {@link io.pveq.core.ProxmoxListener}
 * the connection was opened with. Thread-safe.
 */
public interface ProxmoxOps extends AutoCloseable {

    /** The two ways of reaching Proxmox. */
    enum Dialect {
        /** {@code qm}/{@code pvesh} run as root on each node, locally or over SSH. */
        CLI,
        /** The REST API with a token (or ticket): no shell anywhere. */
        API;

        /** @return {@code cli} or {@code api} */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** @return this connection's dialect */
    Dialect dialect();

    /** @return a short description for logs and {@code /api/info}, e.g. {@code api https://pve1:8006 as pveq@pve!prov} */
    String describe();

    /** @return who Proxmox sees: {@code root@pam} through commands, the token or user id over the API */
    String identity();

    /**
     * @param aclPath an ACL path such as {@code /vms/101} or {@code /storage/local}
     * @return the privileges the identity holds there ({@code /access/permissions}); empty when it is not
     *         restricted (root through commands)
     */
    Optional<java.util.Set<String>> privileges(String aclPath);

    /** @return the Proxmox VE major version (8, 9), when it can be read */
    Optional<Integer> pveMajor();

    // ---- cluster and nodes -------------------------------------------------------------------------

    /**
     * @return the nodes this connection can act on, sorted: those with a transport (CLI), every cluster node
     *         (API; read once and kept for a minute)
     */
    List<NodeName> reachableNodes();

    /**
     * @return the node new VMs go to when the caller names none and no main node is configured: the CLI
     *         dialect's main node, the API's answering node when it says so
     */
    Optional<NodeName> defaultNode();

    /** @return every cluster node with status, fresh ({@code /cluster/resources --type node}) */
    List<ClusterNode> clusterNodes();

    /** @return every guest (qemu and lxc), fresh ({@code /cluster/resources --type vm}; lags up to ~10 s) */
    List<ClusterVm> clusterVms();

    /** @return {@code /nodes/{node}/status} of any cluster node: CPU flags, memory, version */
    NodeStatus nodeStatus(NodeName node);

    /** @return the storages {@code node} sees, with content types and usage */
    List<StorageInfo> storages(NodeName node);

    // ---- VMs ---------------------------------------------------------------------------------------

    /**
     * Creates a VM without a system disk: the atomic claim of its VMID.
     *
     * @throws io.pveq.core.VmExistsException when another creator holds the VMID
     */
    void create(NodeName node, NewVm vm);

    /** @return the VM's configuration ({@code cipassword} masked, {@code sshkeys} URL-encoded) */
    VmConfig config(NodeName node, VmId vmId);

    /** Applies a configuration change (synchronously). */
    void update(NodeName node, VmId vmId, ConfigUpdate update);

    /**
     * Imports an image as a new disk attached at {@code slot} with {@code driveOptions}
     * ({@code discard=on}, {@code iothread=1}, ...), on {@code storage}.
     *
     * @return the new disk's volume id, e.g. {@code local-lvm:vm-101-disk-0}
     */
    String importDisk(NodeName node, VmId vmId, String slot, PlacedImage image, String storage,
                      java.util.Map<String, String> driveOptions, TaskProgress progress);

    /**
     * Resizes a disk: to {@code size}, or by {@code size} when {@code grow}.
     *
     * @param override whether a config lock is passed over ({@link LockOverride#OPERATOR} only)
     * @return text the resize printed that may explain a size that did not take effect (CLI: a task error
     *         printed with exit code 0, or a harmless warning); empty when there is none
     */
    Optional<String> resize(NodeName node, VmId vmId, String disk, DiskSize size, boolean grow, LockOverride override);

    /** @return the VM's power state */
    VmStatus status(NodeName node, VmId vmId);

    /** Starts the VM; {@link io.pveq.core.VmStateException} ({@code already running}) when it runs. */
    void start(NodeName node, VmId vmId);

    /** Stops the VM at once. */
    void stop(NodeName node, VmId vmId, LockOverride override);

    /** ACPI shutdown waiting at most {@code timeout}; {@code got timeout} as {@link io.pveq.core.VmStateException}. */
    void shutdown(NodeName node, VmId vmId, Duration timeout, boolean forceStop);

    /** Reboots the VM (ACPI), waiting at most {@code timeout} for the shutdown part. */
    void reboot(NodeName node, VmId vmId, Duration timeout);

    /** Destroys a stopped VM with its disks, purged from jobs and HA, unreferenced disks included. */
    void destroy(NodeName node, VmId vmId, LockOverride override);

    /** Migrates the VM to {@code target}, online when running, with its local disks. */
    void migrate(NodeName node, VmId vmId, NodeName target, boolean online, TaskProgress progress);

    // ---- images ------------------------------------------------------------------------------------

    /**
     * @param storage where import images go (API dialect), ignored by the CLI dialect
     * @param fileName the image's file name there
     * @return the image when the node already holds it (placed earlier, by this or another install)
     */
    Optional<PlacedImage> findImage(NodeName node, String storage, String fileName);

    /**
     * @return where placing the image would put it (so the engine can journal it before placing it); empty
     *         when placing creates nothing (the CLI dialect's local node imports the cached file in place)
     */
    Optional<PlacedImage> imageTarget(NodeName node, String storage, String fileName);

    /** @return true when {@link #downloadImage} is possible (the node fetches images itself) */
    boolean canDownload();

    /**
     * Has the node fetch the image itself and verify it against {@code checksum} ({@code download-url}).
     *
     * @throws UnsupportedOperationException when {@link #canDownload()} is false
     */
    PlacedImage downloadImage(NodeName node, String storage, String fileName, ImageSource source, ImageChecksum checksum,
                              TaskProgress progress);

    /**
     * Puts a verified image from pveq's cache onto the node: the cached file itself on the local node, an
     * upload (checked against {@code checksum}) otherwise.
     */
    PlacedImage uploadImage(NodeName node, String storage, String fileName, LocalImage image, ImageChecksum checksum,
                            io.pveq.core.image.ImageProvider.DownloadProgress progress);

    /** Deletes an image this connection placed; a missing one is not an error. */
    void removeImage(PlacedImage image);

    // ---- the QEMU guest agent ---------------------------------------------------------------------

    /** @return true when the guest agent can be reached through this connection */
    boolean agentSupported();

    /**
     * @return true when the agent answered; false while it does not run yet (the guest is booting)
     * @throws UnsupportedOperationException when {@link #agentSupported()} is false
     */
    boolean agentPing(NodeName node, VmId vmId);

    /**
     * Starts {@code command} (argv, no shell) as root in the guest, {@code input} on its standard input.
     *
     * @return the guest process id
     */
    int agentExec(NodeName node, VmId vmId, List<String> command, Optional<Secret> input);

    /** @return the state of a command started with {@link #agentExec} */
    AgentExec agentExecStatus(NodeName node, VmId vmId, int pid);

    /** @return the IPv4 addresses the agent reports (loopback and link-local left out); empty when it does not answer */
    List<Ipv4Address> agentAddresses(NodeName node, VmId vmId);

    /** Releases connections. Idempotent. */
    @Override
    void close();
}
