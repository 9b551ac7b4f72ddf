package io.pveq.sim.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InstallResult;
import io.pveq.core.Operation;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.ProgressListener;
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

/** Many installs at once, from one provisioner and from two sharing a cluster. */
class SimConcurrencyTest {

    @TempDir
    Path temp;

    private static List<Operation<InstallResult>> submit(VmProvisioner provisioner, int count) {
        List<Operation<InstallResult>> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ops.add(provisioner.submitInstall(SimInstallTest.spec().node("pve" + (1 + i % 3)).build(),
                    ProgressListener.NONE));
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

    @Test
    void fortyConcurrentInstallsOnThreeNodesGetDistinctVmidsAndAddresses() {
        try (SimulatedCluster cluster = SimSetup.cluster().build();
             VmProvisioner provisioner = SimSetup.provisioner(cluster, temp)) {
            List<InstallResult> results = submit(provisioner, 40).stream().map(Operation::await).toList();
            assertDistinct(results, 40, cluster);
        }
    }

    @Test
    void twoProvisionersSharingOneClusterNeverCollide() {
        // two provisioners with their own allocators and caches: only the cluster's atomic create keeps them apart
        try (SimulatedCluster a = SimSetup.cluster().build();
             VmProvisioner first = SimSetup.provisioner(a, temp);
             VmProvisioner second = SimSetup.provisioner(a, temp)) {
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
        try (SimulatedCluster init = SimSetup.cluster().stateFolder(folder).build()) {
            assertEquals(3, init.nodes().size());
        }
        try (ChildJvm other = ChildJvm.start(ContendingProvisioner.class, folder.toString(), "8", otherTemp.toString());
             SimulatedCluster mine = SimSetup.cluster().stateFolder(folder).build();
             VmProvisioner provisioner = SimSetup.provisioner(mine, temp)) {
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
