package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.CpuLevel;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.ProvisionerSettings;

import java.util.Optional;

/**
 * Finds the CPU model new VMs get: the highest {@link CpuLevel} every online node can run, so a VM
 * starts (and migrates) anywhere in the cluster. Per node the level comes from the flags Proxmox
 * reports in {@code /nodes/<node>/status} ({@link CpuLevel#fromFlags}). Results are cached for
 * {@link ProvisionerSettings.Timeouts#cpuLevelCache()} and refreshed at once when the set of online
 * nodes changes. A configured override ({@code CPU_TYPE}) replaces detection. Thread-safe; the
 * methods block only when the cache must be refreshed.
 */
interface CpuArchDetector {

    /**
     * @return the level of one node (cached)
     * @throws NodeUnavailableException    when the node is unknown or offline
     * @throws ClusterUnavailableException when its status cannot be read
     */
    CpuLevel nodeLevel(NodeName node);

    /**
     * @return the override when configured, else the lowest level over the online nodes (cached)
     * @throws ClusterUnavailableException when no node's status can be read
     */
    CpuLevel clusterLevel();

    /** @return the configured override, if any */
    Optional<CpuLevel> override();

    /** Forgets every cached level; the next call reads the nodes again. */
    void invalidate();
}
