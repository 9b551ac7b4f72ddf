package io.pveq.api;

import java.time.Duration;

/**
 * Snapshots of VMs and containers: the tree, take, roll back, delete. Every change awaits its Proxmox
 * task and returns its result (or throws {@link TaskFailedException} with Proxmox's error text, e.g.
 * {@code snapshot feature is not available} for a disk on a storage that cannot snapshot); the listener
 * hears the task's log. Names follow Proxmox's rule (a letter, then letters, digits and underscores, at
 * most 40) and {@code current}/{@code pending} are reserved: a bad name is refused before anything is
 * sent. Thread-safe; every method blocks.
 */
public interface SnapshotApi {

    /** @return the guest's snapshots and where it stands now */
    SnapshotTree list(GuestRef guest);

    /**
     * Takes a snapshot.
     *
     * @param guest    the guest
     * @param name     the snapshot's name
     * @param options  description, RAM
     * @param timeout  how long to wait for the task
     * @param listener hears the task's log
     * @return the finished task
     * @throws io.pveq.core.InvalidSpecException naming {@code snapname} for a bad name, {@code vmstate} for RAM of a container
     */
    TaskResult create(GuestRef guest, String name, SnapshotOptions options, Duration timeout, TaskListener listener);

    /**
     * Rolls the guest back to a snapshot (a running guest is stopped first; a snapshot with RAM leaves the
     * VM running again).
     *
     * @param guest    the guest
     * @param name     the snapshot
     * @param start    start the guest after the rollback
     * @param timeout  how long to wait for the task
     * @param listener hears the task's log
     * @return the finished task
     */
    TaskResult rollback(GuestRef guest, String name, boolean start, Duration timeout, TaskListener listener);

    /**
     * Deletes a snapshot (its children are linked to its parent).
     *
     * @param guest    the guest
     * @param name     the snapshot
     * @param force    remove it from the config even if removing its disk snapshots fails
     * @param timeout  how long to wait for the task
     * @param listener hears the task's log
     * @return the finished task
     */
    TaskResult delete(GuestRef guest, String name, boolean force, Duration timeout, TaskListener listener);
}
