package io.pveq.sim;

import static io.pveq.sim.SimTesting.PVE1;
import static io.pveq.sim.SimTesting.PVE2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.DiskSize;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.CreateVmSpec;
import io.pveq.core.internal.pve.DiskImportOutput;
import io.pveq.core.internal.pve.IpConfig;
import io.pveq.core.internal.pve.PveNode;
import io.pveq.core.internal.pve.VmConfig;
import io.pveq.core.internal.pve.VmListEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pveq's own typed Proxmox layer (argv builders and output parsers) works against the simulator. */
class TypedLayerAgainstSimulatorTest {

    @TempDir
    Path dir;

    @Test
    void createInspectOperateAndDestroyThroughPveNode() throws Exception {
        SimClock clock = SimClock.create();
        try (SimulatedCluster cluster = SimulatedCluster.builder().clock(clock).build()) {
            Path image = SimTesting.qcow2(dir, "debian-12.qcow2", 3L << 30);
            Path keys = Files.writeString(dir.resolve("keys"), cluster.guestAccess().authorizedKey() + "\n");
            PveNode pve1 = new PveNode(PVE1, cluster.transport(PVE1));
            CreateVmSpec spec = CreateVmSpec.builder(VmId.of(101), "web-01").cpu(2, 1).memoryMiB(4096)
                    .cpuType("x86-64-v2-AES").systemDisk("local-lvm", image.toString())
                    .cloudInitDrive("local-lvm", CreateVmSpec.CloudInitSlot.IDE2).ciUser("debian", "pw")
                    .sshKeysFile(keys.toString()).ipConfig(IpConfig.of("127.0.10.101", 24, "127.0.10.1"), "127.0.0.53",
                            "example.test").tags(List.of("pveq")).build();
            List<String> progress = new java.util.ArrayList<>();
            List<DiskImportOutput.CreatedDisk> disks = pve1.create(spec, Optional.of((s, line) ->
                    DiskImportOutput.progressPercent(line).ifPresent(p -> progress.add(line))));
            assertEquals("local-lvm:vm-101-disk-0", disks.stream().filter(d -> d.slot().equals("scsi0")).findFirst()
                    .orElseThrow().volume().toString());
            assertTrue(progress.size() > 2, progress.toString());
            assertThrows(VmExistsException.class, () -> new PveNode(PVE2, cluster.transport(PVE2)).create(spec,
                    Optional.empty()));

            VmConfig config = pve1.config(VmId.of(101));
            assertEquals(2, config.cores());
            assertEquals(4096, config.memoryMiB());
            assertEquals(Optional.of(new DiskSize(3L << 30)), config.disk("scsi0").orElseThrow().size());
            assertTrue(config.sshKeys().orElseThrow().contains(cluster.guestAccess().authorizedKey()));
            assertEquals(List.of("scsi0"), config.bootOrder());

            pve1.start(VmId.of(101));
            assertEquals("running", pve1.status(VmId.of(101)).status());
            List<VmListEntry> list = pve1.list();
            assertEquals(1, list.size());
            assertEquals(3.0, list.get(0).bootDiskGiB(), 0.001);
            pve1.growBy(VmId.of(101), "scsi0", DiskSize.ofGiB(10), false);
            assertEquals(Optional.of(DiskSize.ofGiB(13)), pve1.config(VmId.of(101)).disk("scsi0").orElseThrow().size());

            clock.advance(Duration.ofSeconds(15));
            ClusterVm vm = pve1.clusterVms().stream().filter(v -> v.vmId().equals(VmId.of(101))).findFirst()
                    .orElseThrow();
            assertEquals("running", vm.status());
            assertEquals(3, pve1.clusterNodes().size());
            assertTrue(pve1.nodeStatus(PVE2).cpuFlags().contains("avx2"));
            assertEquals(VmId.of(100), pve1.nextId());
            assertTrue(pve1.storages(PVE1).stream().anyMatch(s -> s.storage().equals("local-lvm")));
            assertTrue(pve1.pvesmStatus().stream().anyMatch(s -> s.storage().equals("local")));

            pve1.migrate(VmId.of(101), PVE2, true, true, Optional.empty(), Optional.empty());
            PveNode pve2 = new PveNode(PVE2, cluster.transport(PVE2));
            pve2.stop(VmId.of(101), true);
            pve2.destroy(VmId.of(101), true, true, false);
            assertTrue(cluster.vmIds().isEmpty());
        }
    }

    @Test
    void importOutputOfEveryReleaseIsUnderstood() {
        Path image = SimTesting.qcow2(dir, "img.qcow2", 2L << 30);
        for (PveRelease release : PveRelease.values()) {
            try (SimulatedCluster cluster = SimulatedCluster.builder().clock(SimClock.create()).release(release)
                    .build()) {
                cluster.transport(PVE1).run(List.of("qm", "create", "100"));
                PveNode node = new PveNode(PVE1, cluster.transport(PVE1));
                DiskImportOutput.ImportedDisk imported = node.importDisk(VmId.of(100), image.toString(), "local",
                        Optional.of("qcow2"), Optional.empty());
                assertEquals("unused0", imported.slot());
                assertEquals("local:100/vm-100-disk-0.qcow2", imported.volume().toString());
                DiskImportOutput.ImportedDisk legacy = node.importDiskLegacy(VmId.of(100), image.toString(),
                        "local-lvm", Optional.empty(), Optional.empty());
                assertEquals("local-lvm:vm-100-disk-0", legacy.volume().toString());
            }
        }
    }
}
