package io.pveq.api;

import io.pveq.core.DiskSize;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.Optional;

/**
 * QEMU virtual machines. Operations Proxmox runs as tasks return the task's {@link Upid}: await it with
 * {@link TaskApi#await}. Thread-safe; every method blocks on the network.
 *
 * <p>Errors: {@link io.pveq.core.VmNotFoundException} for a VM that is not there,
 * {@link io.pveq.core.VmExistsException} when a create or clone loses its VMID,
 * {@link io.pveq.core.VmLockedException} and {@link io.pveq.core.VmStateException} when the VM's state
 * forbids the action, {@link io.pveq.core.LockTimeoutException} when Proxmox's config lock stayed busy
 * through every retry, {@link ApiParameterException} naming refused parameters,
 * {@link PermissionDeniedException} naming the ACL path and privilege.
 */
public interface VmApi {

    /**
     * Creates a VM ({@code POST /nodes/{node}/qemu}): the atomic claim of its VMID. When the answer is lost
     * on the way back, the client looks for the create task in the cluster instead of sending it again.
     *
     * @param node the node to create it on
     * @param spec the VM
     * @return the create task
     * @throws io.pveq.core.VmExistsException when the VMID is taken
     * @throws ApiConnectionException         when no answer came and no trace of the create was found
     *                                        ({@link ApiConnectionException#mayHaveBeenApplied()} false: safe to send again)
     */
    Upid create(NodeName node, VmCreateSpec spec);

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @return its configuration with the digest for optimistic updates
     */
    VmConfig config(NodeName node, VmId vmId);

    /**
     * Changes the configuration synchronously ({@code PUT .../config}). With a digest, the change is refused
     * ({@link ConfigChangedException}) when the config changed since it was read.
     *
     * @param node   the VM's node
     * @param vmId   the VM
     * @param update the change
     */
    void updateConfig(NodeName node, VmId vmId, VmConfigUpdate update);

    /**
     * Changes the configuration as a task ({@code POST .../config}): what a change that imports or allocates a
     * disk ({@code scsi1=local-lvm:0,import-from=local:import/x.qcow2}) needs, since that can take long.
     *
     * @param node   the VM's node
     * @param vmId   the VM
     * @param update the change
     * @return the task
     */
    Upid updateConfigAsync(NodeName node, VmId vmId, VmConfigUpdate update);

    /**
     * Destroys a stopped VM and its disks ({@code DELETE /nodes/{node}/qemu/{vmid}}).
     *
     * @param node  the VM's node
     * @param vmId  the VM
     * @param purge also remove it from backup jobs, replication and HA
     * @return the destroy task
     */
    Upid delete(NodeName node, VmId vmId, boolean purge);

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @return its state now
     */
    VmCurrentStatus status(NodeName node, VmId vmId);

    /** @return the start task ({@code POST .../status/start}) */
    Upid start(NodeName node, VmId vmId);

    /** Hard stop, like pulling the plug. @return the stop task ({@code POST .../status/stop}) */
    Upid stop(NodeName node, VmId vmId);

    /**
     * Asks the guest to shut down (ACPI or guest agent).
     *
     * @param node      the VM's node
     * @param vmId      the VM
     * @param timeout   how long Proxmox waits for the guest, empty for its default
     * @param forceStop stop it hard when the timeout passes
     * @return the shutdown task
     */
    Upid shutdown(NodeName node, VmId vmId, Optional<Duration> timeout, boolean forceStop);

    /** Reboot through the guest (shutdown, then start). @return the reboot task */
    Upid reboot(NodeName node, VmId vmId);

    /** Hard reset. @return the reset task */
    Upid reset(NodeName node, VmId vmId);

    /** Pause the guest's CPUs. @return the suspend task */
    Upid suspend(NodeName node, VmId vmId);

    /** Continue a paused guest. @return the resume task */
    Upid resume(NodeName node, VmId vmId);

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @param spec where and how
     * @return the migration task (its log reports the progress)
     */
    Upid migrate(NodeName node, VmId vmId, MigrateSpec spec);

    /**
     * Sets a disk's size ({@code PUT .../resize}); disks only grow.
     *
     * @param node the VM's node
     * @param vmId the VM
     * @param disk the slot, e.g. {@code scsi0}
     * @param size the new size
     * @return the resize task
     */
    Upid resize(NodeName node, VmId vmId, String disk, DiskSize size);

    /**
     * Grows a disk by an amount ({@code size=+N}).
     *
     * @param node      the VM's node
     * @param vmId      the VM
     * @param disk      the slot
     * @param increment how much to add
     * @return the resize task
     */
    Upid grow(NodeName node, VmId vmId, String disk, DiskSize increment);

    /**
     * @param node the VM's node
     * @param vmId the VM (or template) to clone
     * @param spec the clone
     * @return the clone task
     */
    Upid cloneVm(NodeName node, VmId vmId, CloneSpec spec);

    /** Turns a stopped VM into a template. @return the task */
    Upid template(NodeName node, VmId vmId);

    /**
     * @param node    the VM's node
     * @param vmId    the VM
     * @param section which file
     * @return the cloud-init file Proxmox generates for the VM now ({@code GET .../cloudinit/dump})
     */
    String cloudInitDump(NodeName node, VmId vmId, CloudInitSection section);
}
