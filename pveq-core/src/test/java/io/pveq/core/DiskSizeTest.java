package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiskSizeTest {

    @Test
    void parsesBinaryUnitsLikeProxmox() {
        assertEquals(4L * 1024, DiskSize.parse("disk", "4K").bytes());
        assertEquals(3584L * 1024 * 1024, DiskSize.parse("disk", "3584M").bytes());
        assertEquals(16L << 30, DiskSize.parse("disk", "16G").bytes());
        assertEquals(2L << 40, DiskSize.parse("disk", "2T").bytes());
        assertEquals(1536L << 20, DiskSize.parse("disk", "1.5G").bytes());
    }

    @Test
    void incrementAcceptsLeadingPlus() {
        assertEquals(DiskSize.ofGiB(10), DiskSize.parseIncrement("disk", "+10G"));
        assertEquals(DiskSize.ofGiB(10), DiskSize.parseIncrement("disk", "10G"));
        assertEquals(DiskSize.ofMiB(512), DiskSize.parseIncrement("disk", "+512M"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-10G", "0G", "+0M", "10", "ten", "10 G", "10g", "+-1G", "", "1.2345678901G"})
    void incrementRejectsShrinkZeroAndMalformed(String text) {
        assertEquals("disk", assertThrows(InvalidSpecException.class, () -> DiskSize.parseIncrement("disk", text)).field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"+16G", "16", "16GB", "G", "1e3G", "16G ", " 16G", "0.3K", "99999999999999T"})
    void absoluteRejectsMalformed(String text) {
        assertEquals("size", assertThrows(InvalidSpecException.class, () -> DiskSize.parse("size", text)).field());
    }

    @Test
    void rejectsNull() {
        assertEquals("disk", assertThrows(InvalidSpecException.class, () -> DiskSize.parse("disk", null)).field());
    }

    @Test
    void writesTheLargestWholeUnitLikeProxmox() {
        assertEquals("16G", DiskSize.ofGiB(16).toProxmox());
        assertEquals("3584M", DiskSize.ofMiB(3584).toProxmox());
        assertEquals("4M", DiskSize.ofMiB(4).toProxmox());
        assertEquals("1T", DiskSize.ofGiB(1024).toProxmox());
        assertEquals("1K", DiskSize.ofBytes(1024).toProxmox());
        assertEquals("1000", DiskSize.ofBytes(1000).toProxmox());
    }

    @Test
    void roundsToWholeGibForTheListResponse() {
        assertEquals(40, DiskSize.ofGiB(40).roundedGiB());
        assertEquals(4, DiskSize.ofMiB(3584).roundedGiB());
        assertEquals(3, DiskSize.ofMiB(3583).roundedGiB());
        assertEquals(DiskSize.ofGiB(26), DiskSize.ofGiB(16).plus(DiskSize.parseIncrement("disk", "+10G")));
    }
}
