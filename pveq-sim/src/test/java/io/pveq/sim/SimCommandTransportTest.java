package io.pveq.sim;

import static io.pveq.sim.SimTesting.PVE1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.TransportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process transport's own behaviour (it runs qm/pvesh/pvesm only, so not the shell contract). */
class SimCommandTransportTest {

    @TempDir
    Path dir;

    @Test
    void unknownProgramExits127LikeAShell() {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            CommandResult result = cluster.transport(PVE1).run(List.of("sh", "-c", "echo hi"));
            assertEquals(127, result.exitCode());
            assertEquals("", result.stdout());
            assertEquals("bash: line 1: sh: command not found\n", result.stderr());
        }
    }

    @Test
    void absoluteProgramPathsWork() {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            assertEquals(0, cluster.transport(PVE1).run(List.of("/usr/sbin/qm", "list")).exitCode());
        }
    }

    @Test
    void closedTransportThrowsAndDescribeNamesTheNode() {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            SimCommandTransport transport = cluster.transport(PVE1);
            assertEquals("simulated node pve1", transport.describe());
            transport.close();
            assertThrows(TransportException.class, () -> transport.run(List.of("qm", "list")));
        }
    }

    @Test
    void unknownNodeIsRejected() {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            assertThrows(InvalidSpecException.class, () -> cluster.transport(NodeName.of("pve7")));
        }
    }

    @Test
    void uploadChecksTheChecksumAndReportsProgress() throws Exception {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            Path file = Files.write(dir.resolve("f.bin"), new byte[100_000]);
            assertThrows(TransportException.class, () -> cluster.transport(PVE1).upload(file, "/images/f.bin",
                    "0".repeat(64), FileTransfer.TransferProgress.NONE));
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
            long[] last = new long[1];
            cluster.transport(PVE1).upload(file, "/images/f.bin", sha, (sent, total) -> last[0] = sent);
            assertEquals(100_000, last[0]);
            CommandResult imported = cluster.transport(PVE1).run(List.of("qm", "create", "100", "--scsi0",
                    "local-lvm:0,import-from=/images/f.bin"));
            assertEquals(0, imported.exitCode(), imported.stderr());
            assertTrue(imported.stdout().contains("size=100000"), imported.stdout());
        }
    }
}
