package io.pveq.core.event;

import java.util.List;

/**
 * The operations pveq runs and keeps as jobs, each with its stages in the order they run. The long ones
 * ({@code submit...}) run in the background and report progress; the short ones ({@link #STOP},
 * {@link #DESTROY}, {@link #SET_CPU}, {@link #SET_MEMORY}, {@link #GROW_DISK}) run on the caller's thread
 * in one stage and are kept all the same: listed, with their events and outcome (in the job store too).
 */
public enum OperationKind {
    /** Create and fully provision a VM ({@code POST /api/vm/install}). */
    INSTALL("install", List.of(Stage.CHECKING_VMID, Stage.ASSIGNING_IP, Stage.VALIDATING_CPU_AND_RAM,
            Stage.VALIDATING_DISK_SIZE, Stage.SETTING_DEFAULTS, Stage.CHECKING_STORAGE, Stage.GETTING_OS_IMAGE,
            Stage.VALIDATING_IMAGE_URL, Stage.DOWNLOADING_IMAGE, Stage.CHECKING_SSH_KEY, Stage.CREATING_VM,
            Stage.IMPORTING_DISK, Stage.INITIALIZING_CONFIG, Stage.MIGRATING_NEW_VM, Stage.WAITING_FOR_READY,
            Stage.SSH_INITIALIZATION, Stage.REBOOTING_NEW_VM, Stage.FINALIZING_INSTALL)),
    /** Start and wait until SSH answers ({@code POST /api/vm/:id/start}). */
    START("start", List.of(Stage.STARTING_VM, Stage.WAITING_FOR_SSH, Stage.FINALIZING)),
    /** Reboot and wait until SSH answers again ({@code POST /api/vm/:id/reboot}). */
    REBOOT("reboot", List.of(Stage.REBOOTING_VM, Stage.WAITING_FOR_SSH, Stage.FINALIZING)),
    /** ACPI shutdown, optionally forced after a timeout ({@code POST /api/vm/:id/shutdown}). */
    SHUTDOWN("shutdown", List.of(Stage.SHUTTING_DOWN_VM, Stage.STOPPING_VM, Stage.FINALIZING)),
    /** Migrate to another node with local disks ({@code POST /api/vm/:id/set/node}). */
    MIGRATE("migrate", List.of(Stage.CHECKING_TARGET_NODE, Stage.MIGRATING_VM, Stage.WAITING_FOR_SSH,
            Stage.FINALIZING)),
    /** Power off at once ({@code POST /api/vm/:id/stop}); short. */
    STOP("stop", List.of(Stage.STOPPING_VM)),
    /** Stop and delete with its disks ({@code POST /api/vm/:id/destroy}); short. */
    DESTROY("destroy", List.of(Stage.DESTROYING_VM)),
    /** Set the cores ({@code POST /api/vm/:id/set/cpu}); short. */
    SET_CPU("set-cpu", List.of(Stage.SETTING_CPU)),
    /** Set the memory ({@code POST /api/vm/:id/set/memory}); short. */
    SET_MEMORY("set-memory", List.of(Stage.SETTING_MEMORY)),
    /** Grow the boot disk ({@code POST /api/vm/:id/set/disk}); short. */
    GROW_DISK("set-disk", List.of(Stage.GROWING_DISK));

    private final String label;
    private final List<Stage> stages;

    OperationKind(String label, List<Stage> stages) {
        this.label = label;
        this.stages = stages;
    }

    /** @return a lower-case name for URLs and logs, e.g. {@code install} */
    public String label() {
        return label;
    }

    /**
     * @return the stages in the order they run; a run may skip some (a cached image is not
     *         downloaded, a stopped VM is not waited for) and a failure adds {@link Stage#ROLLING_BACK}
     */
    public List<Stage> stages() {
        return stages;
    }

    @Override
    public String toString() {
        return label;
    }
}
