package io.pveq.core;

import io.pveq.core.image.ImageTarget;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import java.util.List;
import java.util.Optional;

/**
 * Knows how to reach each node: the local transport for the main node when pveq runs on it, an
 * SSH transport otherwise (the transports are built by the caller and handed in). Also answers
 * where things are from fresh cluster state, and rations disk-heavy work per node.
 * Thread-safe; transports are shared, not opened per call.
 */
public interface NodeRouter extends AutoCloseable {

    /** @return the main node, where cluster state is read */
    NodeName mainNode();

    /** @return every node pveq has a way to reach, sorted */
    List<NodeName> configuredNodes();

    /**
     * @return the transport that runs commands on {@code node}
     * @throws NodeUnavailableException when pveq has no way to reach that node
     */
    CommandTransport transport(NodeName node);

    /** @return true when commands for {@code node} run on this very machine */
    boolean isLocal(NodeName node);

    /** @return the file upload capability for {@code node}, when its transport has one */
    Optional<FileTransfer> files(NodeName node);

    /**
     * @return {@code node} as the image SPI needs it
     * @throws NodeUnavailableException when pveq has no way to reach that node
     */
    default ImageTarget imageTarget(NodeName node) {
        return new ImageTarget(node, isLocal(node), transport(node), files(node));
    }

    /**
     * @return the nodes the cluster sees online right now, sorted (one {@code pvesh} call)
     * @throws ClusterUnavailableException when cluster state cannot be read
     */
    List<NodeName> onlineNodes();

    /**
     * @return the node a VM lives on right now, from fresh cluster state (one {@code pvesh} call)
     * @throws VmNotFoundException         when no VM has this id (a container with it is not a VM)
     * @throws ClusterUnavailableException when cluster state cannot be read
     */
    NodeName nodeOf(VmId vmId);

    /**
     * Waits for a slot for disk-heavy work on a node (image placement, disk import, migration),
     * of which {@link ProvisionerSettings#heavyTasksPerNode()} run at once.
     *
     * @return the slot; close it when the work is done
     * @throws OperationCancelledException when the waiting thread is interrupted (its interrupt flag stays set)
     */
    Permit acquireHeavyTask(NodeName node);

    /** Closes every transport. Idempotent. */
    @Override
    void close();

    /** A held slot for disk-heavy work. */
    interface Permit extends AutoCloseable {
        /** Returns the slot. Idempotent; never throws. */
        @Override
        void close();
    }
}
