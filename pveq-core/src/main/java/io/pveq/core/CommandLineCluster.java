package io.pveq.core;

import io.pveq.core.internal.cluster.CliOps;
import io.pveq.core.internal.cluster.OpsContext;
import io.pveq.core.internal.cluster.ProxmoxOps;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.LocalCommandTransport;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A cluster reached through {@code qm}/{@code pvesh} run as root on its nodes: one
 * {@link CommandTransport} per node, the local one where pveq runs on the node itself, SSH otherwise
 * ({@code pveq-ssh}'s {@code SshNodes} builds one of these). Cluster state is read on the main node. Images
 * are uploaded to {@link #imageDirectory()} on remote nodes and imported from there. Immutable; the
 * transports are closed with the provisioner that opened it.
 *
 * <pre>{@code
 * VmProvisioner pveq = VmProvisioner.builder().connect(CommandLineCluster.local(NodeName.of("pve1")))...
 * }</pre>
 */
public final class CommandLineCluster implements ClusterConnection {

    /** The default folder on remote nodes for uploaded images. */
    public static final String DEFAULT_IMAGE_DIRECTORY = "/var/lib/pveq/images";

    /**
     * How pveq reaches one node.
     *
     * @param transport runs commands there
     * @param local     true when that node is the machine pveq runs on
     * @param files     uploads files there, when the transport can
     */
    public record Node(CommandTransport transport, boolean local, Optional<FileTransfer> files) {

        /** Validates. */
        public Node {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(files, "files");
        }
    }

    private final NodeName mainNode;
    private final Map<NodeName, Node> nodes;
    private final String imageDirectory;

    private CommandLineCluster(NodeName mainNode, Map<NodeName, Node> nodes, String imageDirectory) {
        this.mainNode = mainNode;
        this.nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
        this.imageDirectory = imageDirectory;
    }

    /**
     * pveq runs on {@code node} itself: commands run there through {@link LocalCommandTransport}. A
     * single node, or a cluster whose VMs all live on this node; add other nodes with {@link #builder()}.
     *
     * @param node this node's Proxmox name
     * @return the connection
     */
    public static CommandLineCluster local(NodeName node) {
        return builder().local(node).build();
    }

    /** @return a builder; add at least the main node */
    public static Builder builder() {
        return new Builder();
    }

    /** @return where cluster state is read */
    public NodeName mainNode() {
        return mainNode;
    }

    /** @return every node with its transport, sorted */
    public Map<NodeName, Node> nodes() {
        return nodes;
    }

    /** @return the folder on remote nodes images are uploaded to */
    public String imageDirectory() {
        return imageDirectory;
    }

    @Override
    public ProxmoxOps open(OpsContext context) {
        return new CliOps(mainNode, nodes, imageDirectory, context);
    }

    /** Closes every transport. */
    @Override
    public void close() {
        nodes.values().forEach(n -> n.transport().close());
    }

    @Override
    public String toString() {
        return "CommandLineCluster[main " + mainNode + ", nodes " + nodes.keySet() + "]";
    }

    /** Collects the nodes. Not thread-safe. */
    public static final class Builder {
        private NodeName mainNode;
        private final Map<NodeName, Node> nodes = new TreeMap<>();
        private String imageDirectory = DEFAULT_IMAGE_DIRECTORY;

        private Builder() {
        }

        /**
         * The node pveq runs on, reached through a new {@link LocalCommandTransport}; it becomes the main
         * node unless {@link #mainNode} names another.
         *
         * @param node its Proxmox name
         * @return this
         */
        public Builder local(NodeName node) {
            return local(node, LocalCommandTransport.create());
        }

        /**
         * The node pveq runs on, through the given transport.
         *
         * @param node      its Proxmox name
         * @param transport runs commands on this machine
         * @return this
         */
        public Builder local(NodeName node, CommandTransport transport) {
            nodes.put(Objects.requireNonNull(node, "node"), new Node(transport, true, Optional.empty()));
            if (mainNode == null) {
                mainNode = node;
            }
            return this;
        }

        /**
         * A node reached through a transport that can also upload files (SSH, the simulator's).
         *
         * @param node      its Proxmox name
         * @param transport runs commands and copies files there
         * @return this
         */
        public <T extends CommandTransport & FileTransfer> Builder node(NodeName node, T transport) {
            nodes.put(Objects.requireNonNull(node, "node"), new Node(transport, false, Optional.of(transport)));
            return this;
        }

        /**
         * A node reached through a transport that cannot upload files (images cannot be placed there).
         *
         * @param node      its Proxmox name
         * @param transport runs commands there
         * @return this
         */
        public Builder commandsOnly(NodeName node, CommandTransport transport) {
            nodes.put(Objects.requireNonNull(node, "node"), new Node(transport, false, Optional.empty()));
            return this;
        }

        /**
         * @param node the node whose {@code pvesh} reads cluster state (default: the local node, else the first added)
         * @return this
         */
        public Builder mainNode(NodeName node) {
            this.mainNode = Objects.requireNonNull(node, "node");
            return this;
        }

        /**
         * @param folder absolute folder on remote nodes for uploaded images (default {@value #DEFAULT_IMAGE_DIRECTORY})
         * @return this
         */
        public Builder imageDirectory(String folder) {
            if (folder == null || !folder.startsWith("/") || folder.contains("..") || folder.contains(",")) {
                throw new InvalidSpecException("imageDirectory", "must be an absolute path without '..' or commas, got '"
                        + InvalidSpecException.shorten(folder) + "'");
            }
            this.imageDirectory = folder.endsWith("/") && folder.length() > 1 ? folder.substring(0, folder.length() - 1)
                    : folder;
            return this;
        }

        /**
         * @return the connection
         * @throws InvalidSpecException naming {@code mainNode} when no node was added or the main node has no transport
         */
        public CommandLineCluster build() {
            if (nodes.isEmpty()) {
                throw new InvalidSpecException("mainNode", "no node was added: add the node pveq runs on (local) or"
                        + " the nodes it reaches over SSH");
            }
            NodeName main = mainNode != null ? mainNode : nodes.keySet().iterator().next();
            if (!nodes.containsKey(main)) {
                throw new InvalidSpecException("mainNode", "no transport reaches the main node " + main + " (nodes: "
                        + nodes.keySet() + ")");
            }
            return new CommandLineCluster(main, nodes, imageDirectory);
        }
    }
}
