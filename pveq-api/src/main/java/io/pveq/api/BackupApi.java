package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * VM backups with {@code vzdump}: take, list, restore, delete. Each change awaits its task; the listener
 * hears its log and its progress ({@code INFO:  50% (...)} of vzdump, {@code progress 50% (...)} of a
 * restore). Privileges: {@code VM.Backup} on the VM and {@code Datastore.AllocateSpace} on the storage.
 * Thread-safe; every method blocks on the network.
 */
public interface BackupApi {

    /**
     * Backs a VM up ({@code POST /nodes/{node}/vzdump}) and waits for it.
     *
     * @param node     the VM's node
     * @param spec     what to back up, where and how
     * @param timeout  how long to wait for the task
     * @param listener hears the task's log and progress
     * @return the archive written
     * @throws TaskFailedException with vzdump's error when the backup failed
     */
    Backup create(NodeName node, BackupSpec spec, Duration timeout, TaskListener listener);

    /**
     * @param node    a node that sees the storage
     * @param storage the storage
     * @param vmId    only this guest's backups, when given
     * @return the backups on it, oldest first
     */
    List<Backup> list(NodeName node, String storage, Optional<VmId> vmId);

    /**
     * Restores a backup and waits for it.
     *
     * @param node     the node to restore on (it must see the archive's storage)
     * @param spec     what to restore as which VMID
     * @param timeout  how long to wait for the task
     * @param listener hears the task's log and progress
     * @return the finished task
     * @throws io.pveq.core.PveqException with Proxmox's text when the VMID is taken ({@code unable to restore
     *         VM 101 - VM 101 already exists on node 'pve1'}) or the VM to replace is running
     */
    TaskResult restore(NodeName node, RestoreSpec spec, Duration timeout, TaskListener listener);

    /**
     * Deletes a backup archive ({@code DELETE /nodes/{node}/storage/{storage}/content/{volid}}) and waits.
     *
     * @param node     a node that sees the storage
     * @param volid    the archive's volume id
     * @param timeout  how long to wait for the task
     * @param listener hears the task's log
     * @return the finished task
     */
    TaskResult delete(NodeName node, String volid, Duration timeout, TaskListener listener);
}
