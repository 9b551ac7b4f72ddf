package io.pveq.core;

import java.util.List;
import java.util.Optional;

/**
 * Read-only views of the cluster, from fresh cluster state ({@code /cluster/resources}). Every
 * call blocks for one or a few commands on the main node. Thread-safe. Every method throws
 * {@link ClusterUnavailableException} when the cluster cannot be read.
 */
public interface ClusterInventory {

    /** @return every VM and node: the content of {@code GET /api/vm/list} */
    ClusterOverview overview();

    /** @return the VM with this id, if it exists (containers are not VMs) */
    Optional<VmInfo> vm(VmId vmId);

    /** @return every cluster node, sorted by name */
    List<NodeInfo> nodes();

    /**
     * @return the storages {@code node} sees
     * @throws NodeUnavailableException when the node is unknown or offline
     */
    List<StorageInfo> storages(NodeName node);
}
