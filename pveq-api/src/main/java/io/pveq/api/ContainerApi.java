package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * LXC containers: list, state, every power action, configuration, destroy, and their addresses. Power
 * actions and destroy are Proxmox tasks and return the task's {@link Upid} (await it with
 * {@link TaskApi#await}); snapshots, backups, statistics and consoles of containers are in
 * {@link SnapshotApi}, {@link BackupApi}, {@link StatsApi} and {@link ConsoleApi} with a
 * {@link GuestRef#container}. Thread-safe; every method blocks on the network.
 *
 * <p>Errors: {@link io.pveq.core.VmNotFoundException} for a container that is not there,
 * {@link io.pveq.core.VmStateException} when its state forbids the action ({@code CT 101 not running}),
 * {@link io.pveq.core.VmLockedException}, {@link ConfigChangedException} for a stale digest,
 * {@link PermissionDeniedException} naming the ACL path and privilege.
 */
public interface ContainerApi {

    /** @return the node's containers that the caller may see, with their state ({@code GET /nodes/{node}/lxc}) */
    List<ContainerStatus> list(NodeName node);

    /** @return the container's state now */
    ContainerStatus status(NodeName node, VmId vmId);

    /** @return the start task */
    Upid start(NodeName node, VmId vmId);

    /** Hard stop. @return the stop task */
    Upid stop(NodeName node, VmId vmId);

    /**
     * Asks the container's init to shut down.
     *
     * @param node      the container's node
     * @param vmId      the container
     * @param timeout   how long Proxmox waits, empty for its default (60 s)
     * @param forceStop stop it hard when the timeout passes (otherwise the task fails)
     * @return the shutdown task
     */
    Upid shutdown(NodeName node, VmId vmId, Optional<Duration> timeout, boolean forceStop);

    /**
     * Reboots the container (a shutdown, then a start).
     *
     * @param node    the container's node
     * @param vmId    the container
     * @param timeout how long the shutdown may take, empty for Proxmox's default
     * @return the reboot task
     */
    Upid reboot(NodeName node, VmId vmId, Optional<Duration> timeout);

    /** Freezes the container's processes. @return the suspend task */
    Upid suspend(NodeName node, VmId vmId);

    /** Thaws a suspended container. @return the resume task */
    Upid resume(NodeName node, VmId vmId);

    /** @return the container's configuration with its digest */
    ContainerConfig config(NodeName node, VmId vmId);

    /** Changes the configuration (synchronous in Proxmox). */
    void updateConfig(NodeName node, VmId vmId, ContainerConfigUpdate update);

    /**
     * Destroys the container and its volumes ({@code DELETE /nodes/{node}/lxc/{vmid}}).
     *
     * @param node  the container's node
     * @param vmId  the container
     * @param purge also remove it from backup jobs, replication and HA
     * @param force stop it first when it runs (otherwise a running container is refused)
     * @return the destroy task
     */
    Upid delete(NodeName node, VmId vmId, boolean purge, boolean force);

    /**
     * @return the network interfaces of the running container with their addresses
     *         ({@code GET .../interfaces}); fails with {@link io.pveq.core.VmStateException} when it is stopped
     */
    List<GuestInterface> interfaces(NodeName node, VmId vmId);

    /**
     * The container's addresses, as seed 004's {@code LXCGetIPs} finds them: from its interfaces while it
     * runs, from its config's {@code netN ip=} when it is stopped (or reports none).
     *
     * @param node the container's node
     * @param vmId the container
     * @return the addresses and where they came from
     */
    GuestAddresses addresses(NodeName node, VmId vmId);
}
