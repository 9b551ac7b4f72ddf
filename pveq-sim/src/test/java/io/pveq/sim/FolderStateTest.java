package io.pveq.sim;

import static io.pveq.sim.SimTesting.PVE1;
import static io.pveq.sim.SimTesting.PVE2;
import static io.pveq.sim.SimTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.VmId;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.TransportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster persisted in a folder behaves like the in-memory one and is seen by every instance. */
class FolderStateTest {

    @TempDir
    Path folder;

    @TempDir
    Path files;

    @Test
    void fullVmLifecycleInAFolderIsVisibleToASecondInstance() throws Exception {
        Path image = SimTesting.qcow2(files, "img.qcow2", 2L << 30);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(image)));
        try (SimulatedCluster first = SimulatedCluster.builder().stateFolder(folder).clock(SimClock.create()).build();
             SimulatedCluster second = SimulatedCluster.builder().stateFolder(folder).clock(SimClock.create()).build()) {
            first.transport(PVE1).upload(image, "/var/lib/vz/import/img.qcow2", sha, FileTransfer.TransferProgress.NONE);
            CommandResult created = run(first, PVE1, "qm", "create", "100", "--scsi0",
                    "local-lvm:0,import-from=local:import/img.qcow2", "--ide2", "local-lvm:cloudinit", "--cipassword",
                    "pw", "--ipconfig0", "ip=127.0.10.100/24");
            assertEquals(0, created.exitCode(), created.stderr());
            assertEquals(0, run(second, PVE1, "qm", "start", "100").exitCode());
            assertEquals("status: running\n", run(first, PVE1, "qm", "status", "100").stdout());
            assertEquals(Optional.of("pw"), second.guest(VmId.of(100)).orElseThrow().cloudInit().password());
            assertTrue(run(second, PVE2, "qm", "create", "100").stderr().contains("already exists on node 'pve1'"));
            first.setNodeOnline(PVE2, false);
            assertEquals(false, second.nodeDetails().get(1).online());
            assertEquals("127.0.10.12", second.nodeDetails().get(1).address());
            assertTrue(second.addressProbe().inUse(java.net.InetAddress.getByName("127.0.10.100"),
                    java.time.Duration.ofMillis(10)));
        }
    }

    @Test
    void anInterruptedCommandStillReachesTheStateAndLeavesNoHalfMadeVm() throws Exception {
        try (SimulatedCluster sim = SimulatedCluster.builder().stateFolder(folder).speedFactor(1).build()) {
            Thread.currentThread().interrupt();
            try {
                assertEquals(3, sim.nodeDetails().size(), "the state answers an interrupted thread");
            } finally {
                assertTrue(Thread.interrupted(), "and leaves its interrupt pending");
            }
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread creator = new Thread(() -> {
                try {
                    run(sim, PVE1, "qm", "create", "100", "--scsi0", "local-lvm:4");
                } catch (Throwable t) {
                    ended.set(t);
                }
            });
            creator.start();
            Thread.sleep(200);
            creator.interrupt(); // a job cancelled while its qm create runs
            creator.join(10_000);
            assertTrue(ended.get() instanceof TransportException, String.valueOf(ended.get()));
            assertTrue(run(sim, PVE1, "qm", "status", "100").stderr().contains("does not exist"),
                    "the half-made VM was removed, as qemu-server's create cleans up after an error");
            CommandResult again = run(sim, PVE1, "qm", "create", "100", "--scsi0", "local-lvm:4");
            assertEquals(0, again.exitCode(), again.stderr());
        }
    }
}
