package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.internal.cluster.ProxmoxOps;
import io.pveq.core.internal.pve.ClusterNode;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.transport.TransportException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where things are: the node new VMs go to by default, the nodes the connection can act on, cluster state
 * read fresh for every question (VMs migrate), the node a VM is on confirmed by asking it, and a semaphore
 * per node for disk-heavy work. Over either dialect's {@link ProxmoxOps}. Thread-safe.
 */
public final class ClusterRouter {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRouter.class);

    /** A held slot for disk-heavy work. */
    interface Permit extends AutoCloseable {
        /** Returns the slot. Idempotent; never throws. */
        @Override
        void close();
    }

    private final ProxmoxOps ops;
    private final Optional<NodeName> mainNode;
    private final int heavyTasksPerNode;
    private final Map<NodeName, Semaphore> heavy = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param ops               the connection
     * @param mainNode          the configured main node, if any (else the connection's default node)
     * @param heavyTasksPerNode disk-heavy steps allowed at once per node
     */
    ClusterRouter(ProxmoxOps ops, Optional<NodeName> mainNode, int heavyTasksPerNode) {
        this.ops = ops;
        this.mainNode = mainNode;
        this.heavyTasksPerNode = heavyTasksPerNode;
    }

    /** @return the connection */
    ProxmoxOps ops() {
        return ops;
    }

    /**
     * @return where an install goes when the caller names no node: the configured main node, else the
     *         connection's default, else the first online node
     */
    NodeName defaultNode() {
        if (mainNode.isPresent()) {
            return mainNode.get();
        }
        return ops.defaultNode().orElseGet(() -> onlineNodes().stream().findFirst()
                .orElseThrow(() -> new ClusterUnavailableException("no cluster node is online")));
    }

    /** @return the nodes the connection can act on, sorted */
    List<NodeName> reachableNodes() {
        return clusterRead("list the nodes", ops::reachableNodes);
    }

    /** @return every cluster node with status, fresh */
    List<ClusterNode> clusterNodes() {
        return clusterRead("read the cluster's nodes", ops::clusterNodes);
    }

    /** @return every guest (qemu and lxc) of the cluster, fresh */
    List<ClusterVm> clusterVms() {
        return clusterRead("read the cluster's guests", ops::clusterVms);
    }

    /** @return the nodes the cluster sees online right now, sorted */
    List<NodeName> onlineNodes() {
        return clusterNodes().stream().filter(ClusterNode::online).map(ClusterNode::node).sorted().toList();
    }

    /**
     * @return the node a VM lives on right now, from fresh cluster state
     * @throws VmNotFoundException when no VM has this id (a container with it is not a VM)
     */
    NodeName nodeOf(VmId vmId) {
        return findVm(vmId).map(ClusterVm::node).orElseThrow(() -> new VmNotFoundException(vmId));
    }

    /**
     * The node a VM is on, confirmed there: cluster state names a node ({@link #nodeOf}), which is asked
     * directly; when the VM is not there (cluster state lags behind a migration by up to a few seconds),
     * the other reachable nodes are asked in turn.
     *
     * @throws VmNotFoundException when no node has the VM
     */
    NodeName locate(VmId vmId) {
        NodeName hinted = nodeOf(vmId);
        VmNotFoundException missing;
        try {
            ops.status(hinted, vmId);
            return hinted;
        } catch (VmNotFoundException e) {
            missing = e;
        }
        for (NodeName other : reachableNodes()) {
            if (!other.equals(hinted)) {
                try {
                    ops.status(other, vmId);
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
    Optional<ClusterVm> findVm(VmId vmId) {
        return clusterVms().stream().filter(v -> v.vmId().equals(vmId) && v.qemu()).findFirst();
    }

    /** Runs a cluster-state read, turning "cannot reach" into {@link ClusterUnavailableException}. */
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
            throw new ClusterUnavailableException("cannot " + what + " (" + ops.dialect().label() + "): "
                    + e.getMessage(), e);
        } catch (PveqException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new OperationCancelledException("interrupted while trying to " + what);
            }
            throw e;
        } catch (RuntimeException e) {
            throw new ClusterUnavailableException("cannot " + what + " (" + ops.dialect().label() + "): " + e, e);
        }
    }

    /**
     * Waits for a slot for disk-heavy work on a node (image placement, disk import, migration).
     *
     * @throws OperationCancelledException when the waiting thread is interrupted (its flag stays set)
     */
    Permit acquireHeavyTask(NodeName node) {
        checkOpen();
        Semaphore slots = heavy.computeIfAbsent(node, n -> new Semaphore(heavyTasksPerNode, true));
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

    /** Closes the connection. Idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            ops.close();
        }
    }
}
