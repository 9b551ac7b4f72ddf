package io.pveq.api;

import io.pveq.core.VmId;
import java.util.List;
import java.util.Optional;

/** The cluster as a whole. Thread-safe; every method blocks on the network (or answers from the cache). */
public interface ClusterApi {

    /** @return membership and quorum ({@code GET /cluster/status}; needs Sys.Audit on /) */
    ClusterStatus status();

    /**
     * @return every guest, node and storage the caller may see ({@code GET /cluster/resources}); lags
     *         up to about ten seconds behind changes
     */
    List<ClusterResource> resources();

    /** @return the guests only ({@code GET /cluster/resources?type=vm}): VMs and containers */
    List<ClusterResource.Guest> guests();

    /**
     * Proposes a free VMID ({@code GET /cluster/nextid}). Reserves nothing: the create claims it, and
     * fails with {@link io.pveq.core.VmExistsException} when another client was faster.
     *
     * @return the lowest free id from the cluster's configured range
     */
    VmId nextId();

    /**
     * @param candidate an id
     * @return true when no VM or container has it now ({@code GET /cluster/nextid?vmid=N})
     */
    boolean isFree(VmId candidate);

    /**
     * @param vmId a guest id
     * @return the guest with that id, wherever it lives, from {@link #guests()}
     */
    Optional<ClusterResource.Guest> findGuest(VmId vmId);
}
