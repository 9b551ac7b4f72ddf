package io.pveq.api.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InstallResult;
import io.pveq.core.NodeName;
import io.pveq.core.Operation;
import io.pveq.core.VmProvisioner;
import io.pveq.core.testing.ChildJvm;
import io.pveq.sim.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many installs at once, from one provisioner and from two sharing a cluster, in both dialects. */
class ConcurrentInstallsTest {

    @TempDir
    Path temp;

    static List<Operation<InstallResult>> submit(VmProvisioner provisioner, int count) {
        List<Operation<InstallResult>> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ops.add(provisioner.submitInstall(InstallAndLifecycleTest.spec().node(NodeName.of("pve" + (1 + i % 3)))
                    .build(), e -> { }));
        }
        return ops;
    }

    private static void assertDistinct(List<InstallResult> results, int expected, SimulatedCluster cluster) {
        assertEquals(expected, results.size());
        assertEquals(expected, results.stream().map(InstallResult::vmId).distinct().count(), "VMIDs collide");
        assertEquals(expected, results.stream().map(InstallResult::ip).distinct().count(), "addresses collide");
        Set<String> configured = new TreeSet<>();
        for (InstallResult r : results) {
            configured.add(cluster.vmConfig(r.vmId()).orElseThrow().get("ipconfig0"));
        }
        assertEquals(expected, configured.size(), "ipconfig0 collide");
        assertEquals(expected, cluster.vmIds().size(), "leftover or missing VMs");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void fortyConcurrentInstallsOnThreeNodesGetDistinctVmidsAndAddresses(Dialect dialect) {
        try (SimulatedCluster cluster = dialect.cluster().build(); SimImages images = new SimImages(temp);
             VmProvisioner provisioner = dialect.provisioner(cluster).images(images.cache()).build()) {
            List<InstallResult> results = submit(provisioner, 40).stream().map(Operation::await).toList();
            assertDistinct(results, 40, cluster);
            if (dialect == Dialect.API) {
                assertEquals(3, ImportImages.on(cluster).size(), "one image per node, shared by its installs: "
                        + ImportImages.on(cluster));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void twoProvisionersSharingOneClusterNeverCollide(Dialect dialect, @TempDir Path otherCache) {
        // two provisioners with their own allocators and caches: only the cluster's atomic create keeps them apart
        try (SimulatedCluster a = dialect.cluster().build(); SimImages images = new SimImages(temp);
             SimImages others = new SimImages(otherCache);
             VmProvisioner first = dialect.provisioner(a).images(images.cache()).build();
             VmProvisioner second = dialect.provisioner(a).images(others.cache()).build()) {
            List<Operation<InstallResult>> ops = new ArrayList<>(submit(first, 15));
            ops.addAll(submit(second, 15));
            List<InstallResult> results = ops.stream().map(Operation::await).toList();
            assertDistinct(results, 30, a);
        }
    }

    @Test
    void twoProvisionerProcessesSharingAStateFolderNeverCollide(@TempDir Path folder, @TempDir Path otherTemp)
            throws Exception {
        // another JVM with its own provisioner, allocator and caches: only the cluster's atomic create,
        // persisted under a file lock, keeps the two apart
        try (SimulatedCluster init = Dialect.CLI.cluster().stateFolder(folder).build()) {
            assertEquals(3, init.nodes().size());
        }
        try (ChildJvm other = ChildJvm.start(ContendingProvisioner.class, folder.toString(), "8", otherTemp.toString());
             SimulatedCluster mine = Dialect.CLI.cluster().stateFolder(folder).build();
             SimImages images = new SimImages(temp);
             VmProvisioner provisioner = Dialect.CLI.provisioner(mine).images(images.cache()).build()) {
            assertEquals("READY", other.receive());
            other.send("go"); // both submit their installs now
            List<Operation<InstallResult>> ops = submit(provisioner, 8);
            List<String> lines = new ArrayList<>();
            for (InstallResult r : ops.stream().map(Operation::await).toList()) {
                lines.add(r.vmId().value() + "\t" + r.ip().address());
            }
            List<String> theirs = other.receiveAll(Duration.ofMinutes(3));
            assertEquals(0, other.awaitExit(Duration.ofMinutes(1)), other.output());
            assertEquals(8, theirs.size(), "the other provisioner said: " + theirs);
            assertTrue(theirs.stream().noneMatch(l -> l.startsWith("FAILED")), theirs.toString());
            lines.addAll(theirs);
            assertEquals(16, lines.stream().map(l -> l.split("\t")[0]).distinct().count(), "VMIDs collide: " + lines);
            assertEquals(16, lines.stream().map(l -> l.split("\t")[1]).distinct().count(), "addresses collide: " + lines);
            assertEquals(16, mine.vmIds().size(), "leftover or missing VMs");
        }
    }
}
