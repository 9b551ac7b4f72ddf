package io.pveq.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.api.TaskEvent;
import io.pveq.api.Upid;
import org.junit.jupiter.api.Test;

class TaskProgressTest {

    private static final Upid UPID = Upid.parse("UPID:pve1:00001234:00001234:67A1B2C3:qmcreate:101:root@pam:");

    @Test
    void readsImportAndMigrationProgress() {
        TaskEvent.Progress importing = TaskProgress.parse(UPID, "transferred 1.0 GiB of 2.0 GiB (50.00%)").orElseThrow();
        assertEquals(50.0, importing.percent().getAsDouble(), 1e-9);
        TaskEvent.Progress migrating = TaskProgress.parse(UPID,
                "2026-01-01 00:00:01 migration active, transferred 512.0 MiB of 4.0 GiB VM-state, 100.0 MiB/s")
                .orElseThrow();
        assertEquals(12.5, migrating.percent().getAsDouble(), 1e-9);
    }

    @Test
    void readsBackupAndRestoreProgress() {
        assertEquals(25.0, TaskProgress.parse(UPID, "INFO:  25% (256.0 MiB of 1.0 GiB) in 1s, read: 256.0 MiB/s, write: 0 B/s")
                .orElseThrow().percent().getAsDouble(), 1e-9);
        assertEquals(75.0, TaskProgress.parse(UPID, "progress 75% (read 805306368 bytes, duration 3 sec)")
                .orElseThrow().percent().getAsDouble(), 1e-9);
    }

    @Test
    void ignoresOrdinaryLines() {
        assertTrue(TaskProgress.parse(UPID, "scsi0: successfully created disk 'local-lvm:vm-101-disk-0'").isEmpty());
        assertTrue(TaskProgress.parse(UPID, "TASK OK").isEmpty());
    }
}
