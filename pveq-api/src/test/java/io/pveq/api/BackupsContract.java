package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.PveqException;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * VM backups (seed 003's backup calls): vzdump to a storage with its progress heard, the storage's list,
 * a restore as a new VM and over the original with Proxmox's unique-id rules and failure texts; over real
 * HTTPS against the simulator's API face of one release, every exchange checked against apidata.js.
 */
abstract class BackupsContract extends GuestFeaturesFixture {

    VmId vm(String name) {
        VmId id = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(id).name(name + "-" + id).memoryMiB(512)
                .disk(DiskSpec.newDisk("scsi0", "local-lvm", DiskSize.ofGiB(2)))
                .nic(NicSpec.virtio(0, "vmbr0").withMac("BC:24:11:00:02:" + (id.value() % 90 + 10)))
                .build()), WAIT, TaskListener.NONE);
        return id;
    }

    @Test
    void aBackupIsTakenWithProgressListedAndRestoredAsANewVmWithNewMacs() {
        VmId id = vm("web");
        api.tasks().await(api.vms().start(PVE1, id), WAIT, TaskListener.NONE);
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        Backup backup = api.backups().create(PVE1, BackupSpec.of(id, "local").withNotes("{{guestname}} nightly"), WAIT,
                events::add);
        assertTrue(backup.volid().startsWith("local:backup/vzdump-qemu-" + id + "-"), backup.volid());
        assertTrue(backup.volid().endsWith(".vma.zst"), backup.volid());
        assertEquals("vma.zst", backup.format());
        assertEquals(Optional.of("web-" + id + " nightly"), backup.notes());
        assertEquals("local", backup.storage());
        assertTrue(events.stream().anyMatch(e -> e instanceof TaskEvent.Progress p && p.percent().isPresent()
                && p.percent().getAsDouble() == 100.0), "progress from the task log: " + events);
        assertTrue(events.stream().anyMatch(e -> e instanceof TaskEvent.LogLine l
                && l.text().equals("INFO: backup mode: snapshot")), events.toString());
        assertEquals(VmStatus.RUNNING, api.vms().status(PVE1, id).status(), "a snapshot-mode backup keeps it running");
        assertEquals(List.of(backup), api.backups().list(PVE1, "local", Optional.of(id)));

        VmId copy = api.cluster().nextId();
        List<TaskEvent> restoring = new CopyOnWriteArrayList<>();
        api.backups().restore(PVE1, RestoreSpec.asNewVm(backup.volid(), copy), WAIT, restoring::add);
        assertTrue(restoring.stream().anyMatch(e -> e instanceof TaskEvent.Progress p && p.percent().isPresent()),
                restoring.toString());
        VmConfig original = api.vms().config(PVE1, id);
        VmConfig restored = api.vms().config(PVE1, copy);
        assertEquals(Optional.of("web-" + id), restored.name());
        assertTrue(restored.disks().get("scsi0").toString().contains("vm-" + copy + "-disk-0"), restored.disks().toString());
        assertNotEquals(original.nics().get("net0").mac(), restored.nics().get("net0").mac(), "unique: a new MAC");
        assertEquals(VmStatus.STOPPED, api.vms().status(PVE1, copy).status());

        VmExistsException taken = assertThrows(VmExistsException.class,
                () -> api.backups().restore(PVE1, RestoreSpec.asNewVm(backup.volid(), id), WAIT, TaskListener.NONE),
                "Proxmox's 'unable to restore VM n - VM n already exists on node' is the VMID taken");
        assertTrue(taken.getMessage().contains("VMID " + id + " is already taken on node pve1"), taken.getMessage());
        PveqException running = assertThrows(PveqException.class,
                () -> api.backups().restore(PVE1, RestoreSpec.replacing(backup.volid(), id), WAIT, TaskListener.NONE));
        assertTrue(running.getMessage().contains("unable to restore VM " + id + " - vm is running"), running.getMessage());

        api.tasks().await(api.vms().stop(PVE1, id), WAIT, TaskListener.NONE);
        api.backups().restore(PVE1, RestoreSpec.replacing(backup.volid(), id).thenStart(), WAIT, TaskListener.NONE);
        assertEquals(original.nics().get("net0").mac(), api.vms().config(PVE1, id).nics().get("net0").mac(),
                "replacing keeps the MAC");
        assertEquals(VmStatus.RUNNING, api.vms().status(PVE1, id).status(), "started after the restore");
    }

    @Test
    void modesAndCompressionsNameTheArchiveAndAStorageWithoutBackupsIsRefused() {
        VmId id = vm("db");
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        Backup plain = api.backups().create(PVE1, BackupSpec.of(id, "local").withMode(BackupSpec.Mode.STOP)
                .withCompression(BackupSpec.Compression.NONE), WAIT, events::add);
        assertTrue(plain.volid().endsWith(".vma"), plain.volid());
        assertTrue(events.stream().anyMatch(e -> e instanceof TaskEvent.LogLine l
                && l.text().equals("INFO: status = stopped")), events.toString());
        peer.clock.advance(Duration.ofSeconds(5));
        Backup gz = api.backups().create(PVE1, BackupSpec.of(id, "local").withCompression(BackupSpec.Compression.GZIP),
                WAIT, TaskListener.NONE);
        assertEquals("vma.gz", gz.format());
        assertEquals(List.of(plain, gz), api.backups().list(PVE1, "local", Optional.of(id)), "oldest first");

        PveqException lvm = assertThrows(PveqException.class,
                () -> api.backups().create(PVE1, BackupSpec.of(id, "local-lvm"), WAIT, TaskListener.NONE));
        assertTrue(lvm.getMessage().contains("storage 'local-lvm' does not support backups"), lvm.getMessage());
    }

    @Test
    void badBackupRequestsAreRefusedBeforeAnythingIsSent() {
        assertEquals("storage", assertThrows(InvalidSpecException.class,
                () -> BackupSpec.of(VmId.of(101), "../etc")).field());
        assertEquals("archive", assertThrows(InvalidSpecException.class,
                () -> RestoreSpec.asNewVm("local:iso/debian.iso", VmId.of(101))).field());
        assertEquals("volid", assertThrows(InvalidSpecException.class,
                () -> api.backups().delete(PVE1, "local-lvm:vm-101-disk-0", WAIT, TaskListener.NONE)).field());
    }
}
