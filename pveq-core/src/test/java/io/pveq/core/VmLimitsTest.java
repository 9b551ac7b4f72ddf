package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VmLimitsTest {

    private static final VmLimits SITE = new VmLimits(OptionalInt.of(8), OptionalInt.of(16384), OptionalInt.of(64),
            OptionalInt.of(2048));

    private static InstallSpec spec(int cpu, int ram, String disk) {
        return InstallSpec.builder(OsRelease.of("debian", "12")).cpu(cpu).ramMb(ram).disk(DiskSize.parse("disk", disk)).build();
    }

    @Test
    void acceptsSpecAtEveryLimit() {
        InstallSpec s = spec(8, 16384, "64G");
        assertEquals(s, SITE.check(s));
    }

    @Test
    void namesTheFieldOverItsLimit() {
        assertEquals("cpu", assertThrows(InvalidSpecException.class, () -> SITE.check(spec(9, 2048, "16G"))).field());
        assertEquals("ram", assertThrows(InvalidSpecException.class, () -> SITE.check(spec(2, 16385, "16G"))).field());
        assertEquals("disk", assertThrows(InvalidSpecException.class, () -> SITE.check(spec(2, 2048, "65G"))).field());
        assertEquals("disk", assertThrows(InvalidSpecException.class,
                () -> SITE.check(spec(2, 2048, "65537M"))).field());
    }

    @Test
    void setEndpointsUseTheirOwnFieldNames() {
        assertEquals("memory", assertThrows(InvalidSpecException.class, () -> SITE.checkRam("memory", 100000)).field());
        assertEquals("memory", assertThrows(InvalidSpecException.class, () -> SITE.checkRam("memory", 511)).field());
        assertEquals("cpu", assertThrows(InvalidSpecException.class, () -> VmLimits.NONE.checkCpu("cpu", 33)).field());
        assertEquals(32, VmLimits.NONE.checkCpu("cpu", 32));
        assertEquals(DiskSize.ofGiB(1000), VmLimits.NONE.checkDisk("disk", DiskSize.ofGiB(1000)));
    }

    @Test
    void noSiteLimitsStillEnforcesFixedBounds() {
        assertEquals("disk", assertThrows(InvalidSpecException.class,
                () -> VmLimits.NONE.checkDisk("disk", DiskSize.ofGiB(15))).field());
        assertEquals("disk", assertThrows(InvalidSpecException.class,
                () -> VmLimits.NONE.checkDisk("disk", DiskSize.ofGiB(65 * 1024))).field());
        assertEquals(4096, VmLimits.NONE.checkRam("ram", 4096));
    }

    @Test
    void diskGrowthChecksTheResultNotTheMinimum() {
        assertEquals(DiskSize.ofGiB(10), SITE.checkDiskGrowth("disk", DiskSize.ofGiB(8), DiskSize.ofGiB(2)));
        assertEquals(DiskSize.ofGiB(64), SITE.checkDiskGrowth("disk", DiskSize.ofGiB(54), DiskSize.ofGiB(10)));
        assertEquals("disk", assertThrows(InvalidSpecException.class,
                () -> SITE.checkDiskGrowth("disk", DiskSize.ofGiB(60), DiskSize.ofGiB(10))).field());
        assertEquals("disk", assertThrows(InvalidSpecException.class,
                () -> VmLimits.NONE.checkDiskGrowth("disk", DiskSize.ofGiB(60), DiskSize.ofBytes(0))).field());
        assertEquals("disk", assertThrows(InvalidSpecException.class,
                () -> VmLimits.NONE.checkDiskGrowth("disk", DiskSize.ofGiB(65536), DiskSize.ofGiB(1))).field());
    }

    @Test
    void balloonIsCappedAtTheVmMemory() {
        assertEquals(OptionalInt.of(1024), SITE.balloonFor(1024));
        assertEquals(OptionalInt.of(2048), SITE.balloonFor(8192));
        assertEquals(OptionalInt.empty(), VmLimits.NONE.balloonFor(8192));
    }

    @Test
    void rejectsBadSettingsNamingTheVariable() {
        OptionalInt none = OptionalInt.empty();
        assertEquals("maxCpu", assertThrows(InvalidSpecException.class,
                () -> new VmLimits(OptionalInt.of(0), none, none, none)).field());
        assertEquals("maxCpu", assertThrows(InvalidSpecException.class,
                () -> new VmLimits(OptionalInt.of(33), none, none, none)).field());
        assertEquals("maxRamMb", assertThrows(InvalidSpecException.class,
                () -> new VmLimits(none, OptionalInt.of(256), none, none)).field());
        assertEquals("maxDiskGb", assertThrows(InvalidSpecException.class,
                () -> new VmLimits(none, none, OptionalInt.of(8), none)).field());
        assertEquals("balloonMinMb", assertThrows(InvalidSpecException.class,
                () -> new VmLimits(none, none, none, OptionalInt.of(-1))).field());
        assertEquals("balloonMinMb", assertThrows(InvalidSpecException.class,
                () -> new VmLimits(none, OptionalInt.of(1024), none, OptionalInt.of(2048))).field());
    }
}
