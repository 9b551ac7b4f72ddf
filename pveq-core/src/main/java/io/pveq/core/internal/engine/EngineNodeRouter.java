package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.NodeName;
import io.pveq.core.NodeRouter;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProvisionerSetup.NodeConnection;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.internal.pve.ClusterNode;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.PveNode;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.TransportException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NodeRouter}: one handed-in connection per node (local or SSH, as the setup says), a
 * {@link PveNode} per node for typed commands, cluster state read fresh on the main node for every
 * question (VMs migrate), and a semaphore per node for disk-heavy work. Thread-safe.
 */
public final class EngineNodeRouter implements NodeRouter {

    private static final Logger LOG = LoggerFactory.getLogger(EngineNodeRouter.class);

    private final NodeName mainNode;
    private final Map<NodeName, NodeConnection> connections;
    private final Map<NodeName, PveNode> nodes = new TreeMap<>();
    private final Map<NodeName, Semaphore> heavy = new TreeMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param settings    the main node, timeouts and the per-node limit of heavy tasks
     * @param connections how to reach each node; must include the main node
     */
    public EngineNodeRouter(ProvisionerSettings settings, Map<NodeName, NodeConnection> connections) {
        this.mainNode = settings.mainNode();
        this.connections = Map.copyOf(connections);
        if (!connections.containsKey(mainNode)) {
            throw new NodeUnavailableException(mainNode.value(), "no connection for the main node " + mainNode);
        }
        PveNode.Timeouts timeouts = new PveNode.Timeouts(settings.timeouts().command(), settings.timeouts().command(),
                settings.timeouts().longCommand());
        connections.forEach((name, connection) -> {
            nodes.put(name, new PveNode(name, connection.transport(), timeouts));
            heavy.put(name, new Semaphore(settings.heavyTasksPerNode(), true));
        });
    }

    @Override
    public NodeName mainNode() {
        return mainNode;
    }

    @Override
    public List<NodeName> configuredNodes() {
        return List.copyOf(nodes.keySet());
    }

    private NodeConnection connection(NodeName node) {
        checkOpen();
        NodeConnection c = connections.get(node);
        if (c == null) {
            throw new NodeUnavailableException(node.value(), "node " + node + " is not configured (known: "
                    + configuredNodes() + ")");
        }
        return c;
    }

    @Override
    public CommandTransport transport(NodeName node) {
        return connection(node).transport();
    }

    @Override
    public boolean isLocal(NodeName node) {
        return connection(node).local();
    }

    @Override
    public Optional<FileTransfer> files(NodeName node) {
        return connection(node).files();
    }

    /**
     * @return the typed command runner for {@code node}
     * @throws NodeUnavailableException when the node is not configured
     */
    public PveNode pve(NodeName node) {
        connection(node);
        return nodes.get(node);
    }

    /** @return the typed command runner of the main node, where cluster state is read */
    public PveNode main() {
        return pve(mainNode);
    }

    /** @return every cluster node with status, fresh */
    public List<ClusterNode> clusterNodes() {
        return clusterRead("read the cluster's nodes", () -> main().clusterNodes());
    }

    /** @return every guest (qemu and lxc) of the cluster, fresh */
    public List<ClusterVm> clusterVms() {
        return clusterRead("read the cluster's guests", () -> main().clusterVms());
    }

    @Override
    public List<NodeName> onlineNodes() {
        return clusterNodes().stream().filter(ClusterNode::online).map(ClusterNode::node).sorted().toList();
    }

    @Override
    public NodeName nodeOf(VmId vmId) {
        return findVm(vmId).map(ClusterVm::node).orElseThrow(() -> new VmNotFoundException(vmId));
    }

    /**
     * The node a VM is on, confirmed there: cluster state names a node ({@link #nodeOf}), which is
     * asked directly ({@code qm status}); when the VM is not there (cluster state lags behind a
     * migration by up to a few seconds), the other configured nodes are asked in turn.
     *
     * @throws VmNotFoundException when no node has the VM
     */
    public NodeName locate(VmId vmId) {
        NodeName hinted = nodeOf(vmId);
        VmNotFoundException missing;
        try {
            pve(hinted).status(vmId);
            return hinted;
        } catch (VmNotFoundException e) {
            missing = e;
        }
        for (NodeName other : configuredNodes()) {
            if (!other.equals(hinted)) {
                try {
                    pve(other).status(vmId);
                    LOG.debug("cluster state places VM {} on {}, but it is on {}", vmId, hinted, other);
                    return other;
                } catch (VmNotFoundException | NodeUnavailableException | TransportException e) {
                    // not there
                }
            }
        }
        throw missing;
    }

    /** @return the qemu VM with this id from fresh cluster state, if any */
    public Optional<ClusterVm> findVm(VmId vmId) {
        return clusterVms().stream().filter(v -> v.vmId().equals(vmId) && v.qemu()).findFirst();
    }

    /**
     * Runs a cluster-state read, turning "cannot reach" into {@link ClusterUnavailableException}.
     */
    <T> T clusterRead(String what, Supplier<T> read) {
        checkOpen();
        try {
            return read.get();
        } catch (ClusterUnavailableException e) {
            throw e;
        } catch (TransportException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new OperationCancelledException("interrupted while trying to " + what);
            }
            throw new ClusterUnavailableException("cannot " + what + " on main node " + mainNode + ": "
                    + e.getMessage(), e);
        } catch (PveqException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ClusterUnavailableException("cannot " + what + " on main node " + mainNode + ": " + e, e);
        }
    }

    @Override
    public Permit acquireHeavyTask(NodeName node) {
        connection(node);
        Semaphore slots = heavy.get(node);
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationCancelledException("interrupted while waiting for a disk-heavy slot on " + node);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new ClusterUnavailableException("the provisioner is closed");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (NodeConnection c : connections.values()) {
                try {
                    c.transport().close();
                } catch (RuntimeException e) {
                    LOG.warn("closing the transport {} failed", c.transport().describe(), e);
                }
            }
        }
    }
}
