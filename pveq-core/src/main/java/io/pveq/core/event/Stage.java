package io.pveq.core.event;

/**
 * A step of a long operation, as progress events and the SSE {@code step} field name it.
 * {@link #label()} is the exact text on the wire: the install stages carry the reference API's
 * names (SPEC.md section 3), start and reboot carry the names the reference streams, and the rest
 * are pveq's. {@link OperationKind#stages()} lists each operation's stages in order.
 */
public enum Stage {
    /** Auto-assign the VMID, or check the requested one. */
    CHECKING_VMID("preparation > checking VMID"),
    /** Derive the static IP (gateway prefix + VMID by default). */
    ASSIGNING_IP("preparation > assigning IP"),
    /** Check CPU and memory against the limits. */
    VALIDATING_CPU_AND_RAM("preparation > validating CPU and RAM"),
    /** Check the disk size against the limits. */
    VALIDATING_DISK_SIZE("preparation > validating disk size"),
    /** Storage, CPU type and other defaults. */
    SETTING_DEFAULTS("preparation > setting default config values"),
    /** The storage exists, is active and holds VM images. */
    CHECKING_STORAGE("preparation > checking storage pool"),
    /** Resolve the official cloud image URL. */
    GETTING_OS_IMAGE("OS preparation > getting OS image"),
    /** HTTP HEAD check of the image URL. */
    VALIDATING_IMAGE_URL("OS preparation > validating OS image URL"),
    /** Download (and verify) the image unless cached. */
    DOWNLOADING_IMAGE("OS preparation > downloading OS image"),
    /** Verify or generate the key pair used to reach guests. */
    CHECKING_SSH_KEY("SSH preparation > checking SSH key"),
    /** {@code qm create} with cloud-init hardware: the VMID claim. */
    CREATING_VM("VM creation > creating VM"),
    /** Import the image into the storage pool. */
    IMPORTING_DISK("VM creation > importing disk image"),
    /** Attach the disk, boot order, cloud-init drive and settings. */
    INITIALIZING_CONFIG("VM initialization > initializing configuration"),
    /** Move to the target node (pveq normally creates the VM there and skips this). */
    MIGRATING_NEW_VM("VM initialization > migrating VM"),
    /** Start the VM and poll SSH until it answers. */
    WAITING_FOR_READY("VM initialization > waiting for ready"),
    /** Run the OS init script over SSH. */
    SSH_INITIALIZATION("VM initialization > SSH initialization"),
    /** Reboot to apply everything. */
    REBOOTING_NEW_VM("VM initialization > rebooting VM"),
    /** SSH ready after the reboot; report VMID, IP, user. */
    FINALIZING_INSTALL("VM initialization > finalizing"),

    /** {@code qm start}. */
    STARTING_VM("starting VM"),
    /** {@code qm reboot}. */
    REBOOTING_VM("rebooting VM"),
    /** ACPI shutdown, waiting up to the timeout. */
    SHUTTING_DOWN_VM("shutting down VM"),
    /** {@code qm stop}: the stop operation, or a forced stop after a shutdown timed out (when asked for). */
    STOPPING_VM("stopping VM"),
    /** {@code qm destroy} (stopping the VM first when it runs). */
    DESTROYING_VM("destroying VM"),
    /** {@code qm set --cores}. */
    SETTING_CPU("setting CPU"),
    /** {@code qm set --memory} (and the balloon). */
    SETTING_MEMORY("setting memory"),
    /** {@code qm resize} of the boot disk. */
    GROWING_DISK("growing disk"),
    /** The target node exists, is online and can take the VM. */
    CHECKING_TARGET_NODE("checking target node"),
    /** {@code qm migrate} with local disks. */
    MIGRATING_VM("migrating VM"),
    /** Poll SSH until the VM answers (after start, reboot, or migrating a running VM). */
    WAITING_FOR_SSH("waiting for SSH"),
    /** The last step of start, reboot, shutdown and migrate. */
    FINALIZING("finalizing"),

    /** Undo what a failed or cancelled operation had changed, newest first. */
    ROLLING_BACK("rolling back");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** @return the exact text of the SSE {@code step} field, e.g. {@code preparation > checking VMID} */
    public String label() {
        return label;
    }

    /** @return {@link #label()} */
    @Override
    public String toString() {
        return label;
    }
}
