package io.pveq.core.internal.pve;

import io.pveq.core.StorageInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PvesmParsersTest {

    @Test
    void recordedTableWithDisabledStorage() {
        List<StorageInfo> rows = PvesmParsers.status("pvesm status", Samples.read("pve-8.4.14/pvesm-status.txt"));
        assertEquals(3, rows.size());
        StorageInfo local = rows.get(0);
        assertEquals("local", local.storage());
        assertFalse(local.enabled());
        assertFalse(local.active());
        assertEquals(0, local.totalBytes());
        StorageInfo zfs = rows.get(1);
        assertEquals(new StorageInfo("local-zfs", "zfspool", Set.of(), true, true, false, 1394081792L * 1024,
                87896381L * 1024, 1306185410L * 1024), zfs);
    }

    @Test
    void recordedTableFromTheTranscript() {
        List<StorageInfo> rows = PvesmParsers.status("pvesm status",
                Samples.transcriptOutputs("pvesm status").get(0));
        assertEquals(List.of("local", "vmdata"), rows.stream().map(StorageInfo::storage).toList());
        assertTrue(rows.get(1).active());
        assertEquals(468L * 1024, rows.get(1).usedBytes());
    }

    @Test
    void emptyAndBrokenTables() {
        assertEquals(List.of(), PvesmParsers.status("x", ""));
        assertThrows(UnexpectedOutputException.class, () -> PvesmParsers.status("x", "local dir active 1 2\n"));
        assertThrows(UnexpectedOutputException.class,
                () -> PvesmParsers.status("x", "local dir active a b c 1%\n"));
    }
}
