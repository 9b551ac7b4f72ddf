package io.pveq.core;

import io.pveq.core.event.ProgressListener;

/**
 * Changes to existing VMs: size, placement, existence. Values are checked against
 * {@link VmInstaller#limits()} before anything runs, naming the request field ({@code cpu},
 * {@code memory}, {@code disk}, {@code node}). Thread-safe; Proxmox lock-file timeouts are retried
 * with backoff. A VM that Proxmox has locked ({@code lock: backup}, ...) is refused at once with
 * {@link VmLockedException} naming the lock, before any command that changes it is sent, unless the
 * method takes a {@link LockPolicy} and the caller passes {@link LockPolicy#OVERRIDE} (then the
 * commands carry {@code --skiplock 1}); migration cannot override a lock. Common exceptions:
 * {@link VmNotFoundException}, {@link VmStateException} (another operation is running on the VM),
 * {@link CommandFailedException}.
 */
public interface VmResources {

    /**
     * Sets the vCPU count ({@code --cores}). On a running VM the change is pending until its next
     * start unless CPU hotplug is configured. Blocking.
     *
     * @throws InvalidSpecException naming {@code cpu} when outside 1-32 or above {@code VM_MAX_CPU}
     */
    default void setCpu(VmId vmId, int cpu) {
        setCpu(vmId, cpu, LockPolicy.RESPECT);
    }

    /** {@link #setCpu(VmId, int)} with a choice about a config lock. */
    void setCpu(VmId vmId, int cpu, LockPolicy locks);

    /**
     * Sets the memory in MB ({@code --memory}, and the balloon minimum capped at it). Pending until
     * the next start on a running VM unless memory hotplug is configured. Blocking.
     *
     * @throws InvalidSpecException naming {@code memory} when below 512 or above {@code VM_MAX_RAM}
     */
    default void setMemory(VmId vmId, int memoryMb) {
        setMemory(vmId, memoryMb, LockPolicy.RESPECT);
    }

    /** {@link #setMemory(VmId, int)} with a choice about a config lock. */
    void setMemory(VmId vmId, int memoryMb, LockPolicy locks);

    /**
     * Grows the boot disk by {@code increment} ({@code qm disk resize ... +N}); disks never shrink.
     * The resize's own task errors (printed with exit code 0) are detected. Blocking.
     *
     * @param increment how much to add, more than zero (see {@link DiskSize#parseIncrement})
     * @return the disk's new size, as Proxmox reports it afterwards
     * @throws InvalidSpecException naming {@code disk} when the new size would exceed {@code VM_MAX_DISK}
     *                              ({@link VmLimits#checkDiskGrowth})
     * @throws StorageException     when the storage has no room
     */
    default DiskSize growDisk(VmId vmId, DiskSize increment) {
        return growDisk(vmId, increment, LockPolicy.RESPECT);
    }

    /** {@link #growDisk(VmId, DiskSize)} with a choice about a config lock. */
    DiskSize growDisk(VmId vmId, DiskSize increment, LockPolicy locks);

    /**
     * Migrates a VM with its local disks to another node (stages of {@code MIGRATE}); a running
     * VM migrates online and is followed until SSH answers again.
     *
     * @param target   the node to move to
     * @param listener fast, never throws
     * @return the running operation
     * @throws InvalidSpecException     naming {@code node} when {@code target} is not a configured node
     *                                  or is where the VM already is
     * @throws NodeUnavailableException when the target is offline (checked before the operation starts)
     * @throws VmLockedException        when Proxmox has locked the VM ({@code qm migrate} has no way around it)
     */
    Operation<VmOutcome> submitMigrate(VmId vmId, NodeName target, ProgressListener listener);

    /** Blocking form of {@link #submitMigrate}; interrupting the caller cancels it. */
    default VmOutcome migrate(VmId vmId, NodeName target, ProgressListener listener) {
        return submitMigrate(vmId, target, listener).await();
    }

    /**
     * Stops the VM if needed and deletes it with all its disks ({@code qm destroy --purge}).
     * Blocking. Any long operation running on the VM is cancelled first.
     *
     * @throws VmNotFoundException when no such VM exists
     * @throws VmLockedException   when Proxmox has locked the VM (nothing was sent)
     */
    default void destroy(VmId vmId) {
        destroy(vmId, LockPolicy.RESPECT);
    }

    /**
     * {@link #destroy(VmId)}; with {@link LockPolicy#OVERRIDE} also a locked VM ({@code qm stop} and
     * {@code qm destroy} with {@code --skiplock 1}).
     */
    void destroy(VmId vmId, LockPolicy locks);
}
