package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pveq.core.InvalidSpecException;
import org.junit.jupiter.api.Test;

class DiskSizeTest {

    @Test
    void parsesProxmoxUnitsAsPowersOf1024() {
        assertEquals(3584L << 20, DiskSize.parse("3584M").bytes());
        assertEquals(16L << 30, DiskSize.parse("16G").bytes());
        assertEquals(4L << 20, DiskSize.parse("4M").bytes());
        assertEquals(2L << 40, DiskSize.parse("2T").bytes());
        assertEquals(512L << 10, DiskSize.parse("512K").bytes());
        assertEquals(1536L << 20, DiskSize.parse("1.5G").bytes());
        assertEquals(4194304L, DiskSize.parse("4194304").bytes());
    }

    @Test
    void printsTheLargestWholeUnitLikeQmConfig() {
        assertEquals("3584M", DiskSize.ofMiB(3584).toProxmox());
        assertEquals("16G", DiskSize.ofGiB(16).toProxmox());
        assertEquals("1T", DiskSize.ofGiB(1024).toProxmox());
        assertEquals("1536M", DiskSize.parse("1.5G").toProxmox());
        assertEquals("1000", new DiskSize(1000).toProxmox());
    }

    @Test
    void rejectsNonSizesAndZero() {
        assertThrows(IllegalArgumentException.class, () -> DiskSize.parse("16GB"));
        assertThrows(IllegalArgumentException.class, () -> DiskSize.parse("-1G"));
        assertThrows(IllegalArgumentException.class, () -> DiskSize.parse(""));
        assertThrows(InvalidSpecException.class, () -> DiskSize.parse("0G"));
    }
}
