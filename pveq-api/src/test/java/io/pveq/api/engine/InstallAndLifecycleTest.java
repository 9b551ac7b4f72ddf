package io.pveq.api.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.ClusterOverview;
import io.pveq.core.DiskSize;
import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.NodeName;
import io.pveq.core.Operation;
import io.pveq.core.OsRelease;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import io.pveq.core.VmProvisioner;
import io.pveq.core.VmStatus;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.OperationSucceeded;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.Stage;
import io.pveq.core.event.StageStarted;
import io.pveq.core.event.TransferProgress;
import io.pveq.sim.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole install and every lifecycle call through the public API, on the simulator, in both dialects. */
class InstallAndLifecycleTest {

    @TempDir
    Path temp;

    static InstallSpec.Builder spec() {
        return InstallSpec.builder(OsRelease.of("debian", "12")).password(Secret.of("user-pass-1"));
    }

    static List<Stage> started(List<ProgressEvent> events) {
        List<Stage> out = new ArrayList<>();
        for (ProgressEvent e : events) {
            if (e instanceof StageStarted s && !out.contains(s.stage())) {
                out.add(s.stage());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void installRunsEveryStageAndLeavesAReachableInitialisedVm(Dialect dialect) {
        try (SimulatedCluster cluster = dialect.cluster().build();
             SimImages images = new SimImages(temp);
             VmProvisioner provisioner = dialect.provisioner(cluster).images(images.cache()).build()) {
            Operation<InstallResult> op = provisioner.submitInstall(spec().user("alice").disk(DiskSize.ofGiB(20))
                    .node(NodeName.of("pve2")).build(), event -> { });
            InstallResult r = op.await();
            assertEquals(OperationKind.INSTALL.stages(), started(op.events()));
            ProgressEvent last = op.events().get(op.events().size() - 1);
            assertTrue(last instanceof OperationSucceeded, last.toJson());
            assertTrue(last.toJson().contains("\"vm_id\":" + r.vmId().value()), last.toJson());
            assertTrue(last.toJson().contains("\"ip\":\"127.0.10." + r.vmId().value() + "\""), last.toJson());
            assertEquals(NodeName.of("pve2"), r.node());
            assertEquals("127.0.10." + r.vmId().value() + "/24", r.ip().toString());
            SortedMap<String, String> config = cluster.vmConfig(r.vmId()).orElseThrow();
            assertEquals("alice", config.get("ciuser"));
            assertEquals("ip=127.0.10." + r.vmId().value() + "/24,gw=127.0.10.1", config.get("ipconfig0"));
            assertTrue(config.get("scsi0").contains("size=20G"), config.get("scsi0"));
            assertTrue(config.get("scsi0").contains("iothread=1"), config.get("scsi0"));
            assertEquals("order=scsi0", config.get("boot"));
            assertEquals("0", config.get("ciupgrade"), "no package upgrade at first boot unless asked");
            assertEquals(VmStatus.RUNNING, provisioner.status(r.vmId()));
            assertTrue(cluster.guest(r.vmId()).isPresent());
            assertTrue(op.events().stream().anyMatch(e -> e instanceof TransferProgress p
                    && p.stage() == Stage.IMPORTING_DISK), "the import's progress reaches the stream");
            assertEquals(2, cluster.guest(r.vmId()).orElseThrow().boots(), "booted, then rebooted after the script");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void lifecycleCallsReachTheVmWhereverItLives(Dialect dialect) {
        try (SimulatedCluster cluster = dialect.cluster().build();
             SimImages images = new SimImages(temp);
             VmProvisioner provisioner = dialect.provisioner(cluster).images(images.cache()).build()) {
            VmId id = provisioner.install(spec().build(), event -> { }).vmId();
            provisioner.stop(id);
            assertEquals(VmStatus.STOPPED, provisioner.status(id));
            assertEquals(VmStatus.RUNNING, provisioner.start(id, event -> { }).status());
            assertEquals(VmStatus.RUNNING, provisioner.reboot(id, event -> { }).status());
            provisioner.setCpu(id, 4);
            provisioner.setMemory(id, 4096);
            assertEquals(DiskSize.ofGiB(26), provisioner.growDisk(id, DiskSize.ofGiB(10)));
            assertEquals(NodeName.of("pve3"), provisioner.migrate(id, NodeName.of("pve3"), event -> { }).node());
            assertEquals(VmStatus.STOPPED, provisioner.shutdown(id, Duration.ofSeconds(60), true).status());
            assertEquals(NodeName.of("pve1"), provisioner.migrate(id, NodeName.of("pve1"), event -> { }).node());
            ClusterOverview overview = provisioner.overview();
            assertEquals(1, overview.vms().size());
            assertEquals(OsRelease.of("debian", "12"), overview.vms().get(0).os().orElseThrow());
            assertEquals(4, overview.vms().get(0).cpu());
            assertEquals(3, overview.nodes().size());
            provisioner.destroy(id);
            assertEquals(List.of(), cluster.vmIds());
            assertFalse(provisioner.vm(id).isPresent());
        }
    }
}
