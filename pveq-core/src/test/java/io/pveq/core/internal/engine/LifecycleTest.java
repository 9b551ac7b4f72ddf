package io.pveq.core.internal.engine;

import io.pveq.core.VmLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.AddressProbe;
import io.pveq.core.ClusterOverview;
import io.pveq.core.DiskSize;
import io.pveq.core.InstallResult;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.OsRelease;
import io.pveq.core.VmId;
import io.pveq.core.VmInfo;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmOutcome;
import io.pveq.core.VmStateException;
import io.pveq.core.VmStatus;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressListener;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private static InstallResult installed(Harness h) {
        return h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
    }

    @Test
    void stopPullsThePlugOnTheNodeTheVmLivesOnWithoutSkippingLocks() {
        try (Harness h = new Harness("pve1", "pve2")) {
            InstallResult r = h.provisioner.install(Harness.spec().node(NodeName.of("pve2")).build(), ProgressListener.NONE);
            h.provisioner.stop(r.vmId());
            assertEquals(1, h.pve.commandsWith("pve2: qm stop 100").size(), h.pve.commands.toString());
            assertEquals(List.of(), h.pve.commandsWith("--skiplock"));
            assertEquals(VmStatus.STOPPED, h.provisioner.status(r.vmId()));
            h.provisioner.stop(r.vmId());
            assertEquals(1, h.pve.commandsWith("qm stop").size(), "stopping a stopped VM is not an error");
        }
    }

    @Test
    void startStreamsUntilSshAnswers() {
        try (Harness h = new Harness("pve1")) {
            InstallResult r = installed(h);
            h.provisioner.stop(r.vmId());
            var op = h.provisioner.submitStart(r.vmId(), ProgressListener.NONE);
            VmOutcome outcome = op.await();
            assertEquals(VmStatus.RUNNING, outcome.status());
            assertEquals(OperationKind.START.stages(), Harness.stagesStarted(op.events()));
            assertEquals("192.168.0.100", outcome.ip().orElseThrow().toString());
            assertTrue(op.events().get(op.events().size() - 1).toJson().contains("\"vm_id\":100"));
        }
    }

    @Test
    void rebootOfAStoppedVmStatesThePrecondition() {
        try (Harness h = new Harness("pve1")) {
            InstallResult r = installed(h);
            h.provisioner.stop(r.vmId());
            VmStateException e = assertThrows(VmStateException.class,
                    () -> h.provisioner.submitReboot(r.vmId(), ProgressListener.NONE));
            assertEquals("VM 100 is not running; start it instead", e.getMessage());
            h.provisioner.start(r.vmId(), ProgressListener.NONE);
            assertEquals(VmStatus.RUNNING, h.provisioner.reboot(r.vmId(), ProgressListener.NONE).status());
        }
    }

    @Test
    void shutdownThatTimesOutIsForcedOnlyWhenAsked() {
        try (Harness h = new Harness("pve1")) {
            InstallResult r = installed(h);
            h.pve.fail(List.of("qm", "shutdown"), 255, "VM quit/powerdown failed - got timeout\n", 2);
            VmStateException e = assertThrows(VmStateException.class,
                    () -> h.provisioner.shutdown(r.vmId(), Duration.ofSeconds(30), false));
            assertTrue(e.getMessage().contains("did not power off within 30s"), e.getMessage());
            assertEquals(VmStatus.STOPPED, h.provisioner.shutdown(r.vmId(), Duration.ofSeconds(30), true).status());
            assertEquals(1, h.pve.commandsWith("qm stop 100").size());
            assertEquals(List.of(), h.pve.commandsWith("--skiplock"));
        }
    }

    @Test
    void cpuAndMemoryAreCheckedAgainstTheLimitsAndBalloonFollowsMemory() {
        try (Harness h = new Harness(b -> b.limits(new VmLimits(java.util.OptionalInt.of(8), java.util.OptionalInt.of(8192), java.util.OptionalInt.empty(), java.util.OptionalInt.of(1024))), AddressProbe.NEVER_IN_USE, "pve1")) {
            InstallResult r = installed(h);
            assertEquals("cpu", assertThrows(InvalidSpecException.class, () -> h.provisioner.setCpu(r.vmId(), 9)).field());
            assertEquals("cpu", assertThrows(InvalidSpecException.class, () -> h.provisioner.setCpu(r.vmId(), 0)).field());
            assertEquals("memory", assertThrows(InvalidSpecException.class,
                    () -> h.provisioner.setMemory(r.vmId(), 256)).field());
            assertEquals("memory", assertThrows(InvalidSpecException.class,
                    () -> h.provisioner.setMemory(r.vmId(), 9000)).field());
            h.provisioner.setCpu(r.vmId(), 4);
            h.provisioner.setMemory(r.vmId(), 768);
            FakePve.Vm vm = h.pve.vm(100);
            assertEquals("4", vm.config.get("cores"));
            assertEquals("768", vm.config.get("memory"));
            assertEquals("768", vm.config.get("balloon"), "the balloon minimum is capped at the memory");
            assertEquals(List.of(), h.pve.violations);
        }
    }

    static final String LVM_WARNING = "  WARNING: Sum of all thin volume sizes (2.00 TiB) exceeds the size of thin"
            + " pool pve/data and the size of whole volume group (1.00 TiB).\n";

    @Test
    void aResizeThatWorkedIsNotFailedByAnUnknownWarningOnStderr() {
        try (Harness h = new Harness(b -> b.limits(new VmLimits(java.util.OptionalInt.empty(), java.util.OptionalInt.empty(), java.util.OptionalInt.of(30), java.util.OptionalInt.empty())), AddressProbe.NEVER_IN_USE, "pve1")) {
            h.pve.resizeWarning = LVM_WARNING;
            var op = h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE);
            InstallResult r = op.await();
            assertTrue(op.events().stream().anyMatch(e -> e.message().contains("Sum of all thin volume sizes")),
                    "the warning is reported");
            assertEquals(DiskSize.ofGiB(26), h.provisioner.growDisk(r.vmId(), DiskSize.ofGiB(10)));
        }
    }

    @Test
    void growDiskAddsToTheBootDiskAndVerifiesTheResult() {
        try (Harness h = new Harness(b -> b.limits(new VmLimits(java.util.OptionalInt.empty(), java.util.OptionalInt.empty(), java.util.OptionalInt.of(30), java.util.OptionalInt.empty())), AddressProbe.NEVER_IN_USE, "pve1")) {
            InstallResult r = installed(h);
            assertEquals(DiskSize.ofGiB(26), h.provisioner.growDisk(r.vmId(), DiskSize.ofGiB(10)));
            assertEquals(1, h.pve.commandsWith("qm resize 100 scsi0 +10G").size());
            assertEquals("disk", assertThrows(InvalidSpecException.class,
                    () -> h.provisioner.growDisk(r.vmId(), DiskSize.ofGiB(5))).field());
            h.pve.resizeSilentlyFails = true;
            io.pveq.core.PveqException e = assertThrows(io.pveq.core.PveqException.class,
                    () -> h.provisioner.growDisk(r.vmId(), DiskSize.ofGiB(1)));
            assertTrue(e.getMessage().contains("size too large"), "a resize error printed with exit 0: " + e);
        }
    }

    @Test
    void migrateMovesAStoppedVmOfflineAndARunningOneOnline() {
        try (Harness h = new Harness("pve1", "pve2")) {
            InstallResult r = installed(h);
            var op = h.provisioner.submitMigrate(r.vmId(), NodeName.of("pve2"), ProgressListener.NONE);
            assertEquals(NodeName.of("pve2"), op.await().node());
            assertEquals(1, h.pve.commandsWith("pve1: qm migrate 100 pve2 --online 1 --with-local-disks 1").size(),
                    h.pve.commands.toString());
            h.provisioner.stop(r.vmId());
            h.provisioner.migrate(r.vmId(), NodeName.of("pve1"), ProgressListener.NONE);
            assertEquals(1, h.pve.commandsWith("pve2: qm migrate 100 pve1 --with-local-disks 1").size(),
                    h.pve.commands.toString());
            assertEquals("node", assertThrows(InvalidSpecException.class,
                    () -> h.provisioner.submitMigrate(r.vmId(), NodeName.of("pve1"), ProgressListener.NONE)).field());
        }
    }

    @Test
    void migrateChecksTargetCpuAndOnlineStateFirst() {
        try (Harness h = new Harness(b -> b.cpuType(io.pveq.core.CpuLevel.X86_64_V3), AddressProbe.NEVER_IN_USE, "pve1", "pve2", "pve3")) {
            h.pve.nodeFlags.put("pve2", FakePve.FLAGS_V2);
            InstallResult r = installed(h);
            var op = h.provisioner.submitMigrate(r.vmId(), NodeName.of("pve2"), ProgressListener.NONE);
            InvalidSpecException e = assertThrows(InvalidSpecException.class, op::await);
            assertTrue(e.getMessage().contains("uses CPU type x86-64-v3 but node pve2 supports at most x86-64-v2"),
                    e.getMessage());
            assertEquals("pve1", h.pve.vm(100).node);
            h.pve.offline.add("pve3");
            assertThrows(NodeUnavailableException.class,
                    () -> h.provisioner.submitMigrate(r.vmId(), NodeName.of("pve3"), ProgressListener.NONE));
        }
    }

    @Test
    void destroyForgetsTheGuestsHostKeySoANewVmAtTheSameAddressIsTrusted() {
        try (Harness h = new Harness("pve1")) {
            InstallResult r = installed(h);
            h.guests.forgotten.clear();
            h.provisioner.destroy(r.vmId());
            assertTrue(h.guests.forgotten.stream().anyMatch(e -> e.vmId().equals(r.vmId())
                    && e.host().equals("192.168.0.100") && e.port() == 22), h.guests.forgotten.toString());
        }
    }

    @Test
    void destroyStopsAndPurgesWhereverTheVmIs() {
        try (Harness h = new Harness("pve1", "pve2")) {
            InstallResult r = installed(h);
            h.provisioner.migrate(r.vmId(), NodeName.of("pve2"), ProgressListener.NONE);
            h.provisioner.destroy(r.vmId());
            assertTrue(h.pve.vms.isEmpty());
            assertEquals(1, h.pve.commandsWith("pve2: qm destroy 100 --purge 1 --destroy-unreferenced-disks 1").size(),
                    h.pve.commands.toString());
            assertEquals(List.of(), h.pve.commandsWith("--skiplock"));
            assertThrows(VmNotFoundException.class, () -> h.provisioner.destroy(r.vmId()));
            assertThrows(VmNotFoundException.class, () -> h.provisioner.status(r.vmId()));
        }
    }

    @Test
    void listShowsVmsWithTheirOsTagAndNodesAsFractions() {
        try (Harness h = new Harness("pve1", "pve2")) {
            InstallResult r = installed(h);
            h.pve.vm(100).config.put("tags", "web;pveq;pveq-os-debian-12;zz");
            h.pve.existingVm(150, "pve2", null);
            ClusterOverview overview = h.provisioner.overview();
            VmInfo vm = overview.vms().get(0);
            assertEquals(r.vmId(), vm.vmId());
            assertEquals(OsRelease.of("debian", "12"), vm.os().orElseThrow());
            assertEquals(2048, vm.memoryMb());
            assertEquals(16, vm.diskGb());
            assertTrue(vm.running());
            assertFalse(overview.vms().get(1).os().isPresent());
            assertEquals(0.25, overview.nodes().get(0).memory(), 1e-9);
            assertEquals(16384, overview.nodes().get(0).maxMemoryMb());
            assertEquals(VmId.of(150), h.provisioner.vm(VmId.of(150)).orElseThrow().vmId());
            assertEquals("local-lvm", h.provisioner.storages(NodeName.of("pve1")).get(0).storage());
        }
    }

    @Test
    void aSecondOperationOnTheSameVmIsRefused() throws Exception {
        try (Harness h = new Harness("pve1")) {
            InstallResult r = installed(h);
            h.provisioner.stop(r.vmId());
            h.guests.gate = new java.util.concurrent.CountDownLatch(1);
            var start = h.provisioner.submitStart(r.vmId(), ProgressListener.NONE);
            h.guests.waiting.await();
            VmStateException e = assertThrows(VmStateException.class,
                    () -> h.provisioner.submitReboot(r.vmId(), ProgressListener.NONE));
            assertTrue(e.getMessage().contains("busy with a running start operation"), e.getMessage());
            assertEquals(start, h.provisioner.operations().runningFor(r.vmId()).orElseThrow());
            h.guests.gate.countDown();
            start.await();
            assertEquals(start, h.provisioner.operations().find(start.id()).orElseThrow());
        }
    }

    @Test
    void clusterStateLaggingBehindAMigrationDoesNotMisdirectCommands() {
        try (Harness h = new Harness("pve1", "pve2", "pve3")) {
            InstallResult r = installed(h);
            h.provisioner.migrate(r.vmId(), NodeName.of("pve3"), ProgressListener.NONE);
            h.pve.staleNode.put(100, "pve1");
            h.provisioner.stop(r.vmId());
            assertEquals(1, h.pve.commandsWith("pve3: qm stop 100").size(), h.pve.commands.toString());
            assertEquals(VmStatus.STOPPED, h.provisioner.status(r.vmId()));
        }
    }
}
