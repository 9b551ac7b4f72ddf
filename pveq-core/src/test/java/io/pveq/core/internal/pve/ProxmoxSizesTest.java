package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pveq.core.DiskSize;
import org.junit.jupiter.api.Test;

class ProxmoxSizesTest {

    @Test
    void parsesProxmoxUnitsAsPowersOf1024() {
        assertEquals(3584L << 20, ProxmoxSizes.parse("3584M").bytes());
        assertEquals(16L << 30, ProxmoxSizes.parse("16G").bytes());
        assertEquals(4L << 20, ProxmoxSizes.parse("4M").bytes());
        assertEquals(2L << 40, ProxmoxSizes.parse("2T").bytes());
        assertEquals(512L << 10, ProxmoxSizes.parse("512K").bytes());
        assertEquals(1536L << 20, ProxmoxSizes.parse("1.5G").bytes());
        assertEquals(4194304L, ProxmoxSizes.parse("4194304").bytes());
    }

    @Test
    void printsTheLargestWholeUnitLikeQmConfig() {
        assertEquals("3584M", DiskSize.ofMiB(3584).toProxmox());
        assertEquals("16G", DiskSize.ofGiB(16).toProxmox());
        assertEquals("1T", DiskSize.ofGiB(1024).toProxmox());
        assertEquals("1536M", ProxmoxSizes.parse("1.5G").toProxmox());
        assertEquals("1000", DiskSize.ofBytes(1000).toProxmox());
    }

    @Test
    void rejectsNonSizesAndZero() {
        assertThrows(IllegalArgumentException.class, () -> ProxmoxSizes.parse("16GB"));
        assertThrows(IllegalArgumentException.class, () -> ProxmoxSizes.parse("-1G"));
        assertThrows(IllegalArgumentException.class, () -> ProxmoxSizes.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ProxmoxSizes.parse("0G"));
    }
}
