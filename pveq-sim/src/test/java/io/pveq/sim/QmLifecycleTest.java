package io.pveq.sim;

import static io.pveq.sim.SimTesting.PVE1;
import static io.pveq.sim.SimTesting.PVE2;
import static io.pveq.sim.SimTesting.qcow2;
import static io.pveq.sim.SimTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.transport.CommandResult;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State rules of start/stop/shutdown/reboot/destroy/migrate/resize and the list/status outputs. */
class QmLifecycleTest {

    private final SimulatedCluster cluster = SimTesting.cluster();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        cluster.close();
    }

    private void createVm(NodeName node, int id, String... extra) {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("qm", "create", Integer.toString(id),
                "--name", "vm-" + id, "--memory", "2048", "--scsi0", "local-lvm:32", "--boot", "order=scsi0"));
        argv.addAll(java.util.List.of(extra));
        CommandResult result = cluster.transport(node).run(argv);
        assertEquals(0, result.exitCode(), result.stderr());
    }

    @Test
    void startAndStopFollowProxmoxStateRules() {
        createVm(PVE1, 100);
        assertEquals("status: stopped\n", run(cluster, PVE1, "qm", "status", "100").stdout());
        assertEquals(0, run(cluster, PVE1, "qm", "start", "100").exitCode());
        assertEquals("status: running\n", run(cluster, PVE1, "qm", "status", "100").stdout());
        CommandResult again = run(cluster, PVE1, "qm", "start", "100");
        assertEquals(255, again.exitCode());
        assertEquals("VM 100 already running\n", again.stderr());
        CommandResult destroy = run(cluster, PVE1, "qm", "destroy", "100");
        assertEquals(255, destroy.exitCode());
        assertEquals("VM 100 is running - destroy failed\n", destroy.stderr());
        assertEquals(0, run(cluster, PVE1, "qm", "stop", "100", "--skiplock").exitCode());
        assertEquals(0, run(cluster, PVE1, "qm", "stop", "100").exitCode(), "stopping a stopped VM is quiet");
        CommandResult reboot = run(cluster, PVE1, "qm", "reboot", "100");
        assertEquals(255, reboot.exitCode());
        assertEquals("VM 100 not running\n", reboot.stderr());
        assertEquals(0, run(cluster, PVE1, "qm", "destroy", "100", "--purge").exitCode());
        assertTrue(cluster.vmIds().isEmpty());
    }

    @Test
    void shutdownStopsARunningVm() {
        createVm(PVE1, 100);
        run(cluster, PVE1, "qm", "start", "100");
        assertEquals(0, run(cluster, PVE1, "qm", "shutdown", "100").exitCode());
        assertEquals("status: stopped\n", run(cluster, PVE1, "qm", "status", "100").stdout());
    }

    @Test
    void configLockBlocksUnlessSkiplock() {
        createVm(PVE1, 100);
        cluster.setConfigLock(VmId.of(100), Optional.of("backup"));
        CommandResult start = run(cluster, PVE1, "qm", "start", "100");
        assertEquals(255, start.exitCode());
        assertEquals("VM is locked (backup)\n", start.stderr());
        assertEquals(0, run(cluster, PVE1, "qm", "start", "100", "--skiplock").exitCode());
    }

    @Test
    void qmSetLockLocksTheVmAsProxmoxTasksDoAndUnlockFreesIt() {
        createVm(PVE1, 100);
        assertEquals(0, run(cluster, PVE1, "qm", "set", "100", "--lock", "backup").exitCode());
        assertEquals("backup", cluster.vmConfig(VmId.of(100)).orElseThrow().get("lock"));
        assertTrue(run(cluster, PVE1, "qm", "config", "100").stdout().contains("lock: backup\n"));
        for (java.util.List<String> argv : java.util.List.of(
                java.util.List.of("qm", "destroy", "100", "--purge"),
                java.util.List.of("qm", "set", "100", "--cores", "4"),
                java.util.List.of("qm", "set", "100", "--lock", "migrate"),
                java.util.List.of("qm", "migrate", "100", "pve2"))) {
            CommandResult refused = cluster.transport(PVE1).run(argv);
            assertEquals(255, refused.exitCode(), argv.toString());
            assertTrue(refused.stderr().contains("VM is locked (backup)"), argv + ": " + refused.stderr());
        }
        assertEquals("backup", cluster.vmConfig(VmId.of(100)).orElseThrow().get("lock"));
        assertEquals(0, run(cluster, PVE1, "qm", "set", "100", "--cores", "4", "--skiplock", "1").exitCode());
        assertEquals(0, run(cluster, PVE1, "qm", "unlock", "100").exitCode());
        assertEquals(Optional.empty(), Optional.ofNullable(cluster.vmConfig(VmId.of(100)).orElseThrow().get("lock")));
        assertEquals(0, run(cluster, PVE1, "qm", "destroy", "100", "--purge").exitCode());
    }

    @Test
    void startFailsWhenTheNodeLacksFlagsOfTheCpuType() {
        try (SimulatedCluster old = SimulatedCluster.builder().clock(SimClock.create())
                .node(SimNode.of("pve1", "127.0.10.11").withCpu("Old CPU", "fpu sse sse2 cx16 lahf_lm popcnt pni"
                        + " sse4_1 sse4_2 ssse3")).build()) {
            run(old, PVE1, "qm", "create", "100", "--cpu", "x86-64-v3");
            CommandResult result = run(old, PVE1, "qm", "start", "100");
            assertEquals(255, result.exitCode());
            assertTrue(result.stderr().endsWith("start failed: QEMU exited with code 1\n"), result.stderr());
            run(old, PVE1, "qm", "set", "100", "--cpu", "x86-64-v2");
            assertEquals(0, run(old, PVE1, "qm", "start", "100").exitCode());
        }
    }

    @Test
    void listShowsLocalVmsInProxmoxColumns() {
        assertEquals("", run(cluster, PVE1, "qm", "list").stdout(), "empty list prints nothing");
        createVm(PVE1, 100);
        run(cluster, PVE1, "qm", "create", "101", "--name", "a-very-long-virtual-machine-name", "--memory", "512");
        createVm(PVE2, 102);
        run(cluster, PVE1, "qm", "start", "100");
        String list = run(cluster, PVE1, "qm", "list").stdout();
        String[] lines = list.split("\n");
        assertEquals(3, lines.length, list);
        assertEquals("      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       ", lines[0]);
        assertTrue(lines[1].matches("       100 vm-100               running    2048              32\\.00 \\d+ *"),
                lines[1]);
        assertEquals(lines[0].length(), lines[1].length());
        assertEquals("       101 a-very-long-virtual-machine-name stopped    512                0.00 0         ",
                lines[2]);
    }

    @Test
    void resizeGrowsAndReportsShrinkFailureWithExitZero() {
        createVm(PVE1, 100);
        CommandResult grow = run(cluster, PVE1, "qm", "resize", "100", "scsi0", "+10G");
        assertEquals(0, grow.exitCode());
        assertTrue(grow.stdout().contains("successfully resized"), grow.stdout());
        assertTrue(run(cluster, PVE1, "qm", "config", "100").stdout().contains("scsi0: local-lvm:vm-100-disk-0,size=42G"));
        assertEquals(0, run(cluster, PVE1, "qm", "disk", "resize", "100", "scsi0", "50G").exitCode());
        CommandResult shrink = run(cluster, PVE1, "qm", "resize", "100", "scsi0", "16G");
        assertEquals(0, shrink.exitCode(), "resize exits 0 even when its task fails");
        assertEquals("shrinking disks is not supported\n", shrink.stderr());
        assertTrue(run(cluster, PVE1, "qm", "config", "100").stdout().contains("size=50G"));
    }

    @Test
    void diskImportEndsWithTheVersionDependentLine() {
        Path image = qcow2(dir, "d.qcow2", 2L << 30);
        for (PveRelease release : PveRelease.values()) {
            try (SimulatedCluster sim = SimulatedCluster.builder().clock(SimClock.create()).release(release).build()) {
                run(sim, PVE1, "qm", "create", "100");
                CommandResult result = run(sim, PVE1, "qm", "disk", "import", "100", image.toString(), "local-lvm");
                assertEquals(0, result.exitCode(), result.stderr());
                String last = result.stdout().lines().reduce((a, b) -> b).orElseThrow();
                assertEquals(release.oldImportLine() ? "Successfully imported disk as 'unused0:local-lvm:vm-100-disk-0'"
                        : "unused0: successfully imported disk 'local-lvm:vm-100-disk-0'", last);
                assertTrue(result.stdout().startsWith("importing disk '" + image + "' to VM 100 ...\n"));
                CommandResult alias = run(sim, PVE1, "qm", "importdisk", "100", image.toString(), "local", "--format",
                        "qcow2");
                assertTrue(alias.stdout().contains("local:100/vm-100-disk-0.qcow2"), alias.stdout());
                run(sim, PVE1, "qm", "set", "100", "--scsi0", "local-lvm:vm-100-disk-0");
                String config = run(sim, PVE1, "qm", "config", "100").stdout();
                assertTrue(config.contains("scsi0: local-lvm:vm-100-disk-0,size=2G\n"), config);
                assertTrue(!config.contains("unused0: local-lvm"), config);
            }
        }
    }

    @Test
    void migrateMovesTheVmAndChecksItsRules() {
        createVm(PVE1, 100);
        run(cluster, PVE1, "qm", "start", "100");
        CommandResult running = run(cluster, PVE1, "qm", "migrate", "100", "pve2");
        assertEquals(255, running.exitCode());
        assertEquals("can't migrate running VM without --online\n", running.stderr());
        CommandResult local = run(cluster, PVE1, "qm", "migrate", "100", "pve2", "--online");
        assertEquals(255, local.exitCode());
        assertTrue(local.stdout().contains("can't live migrate attached local disks without with-local-disks option"));
        assertEquals("migration aborted\n", local.stderr());
        assertEquals("no such cluster node 'pve9'\n", run(cluster, PVE1, "qm", "migrate", "100", "pve9").stderr());
        CommandResult ok = run(cluster, PVE1, "qm", "migrate", "100", "pve2", "--online", "--with-local-disks");
        assertEquals(0, ok.exitCode(), ok.stderr());
        assertTrue(ok.stdout().contains("migration finished successfully"), ok.stdout());
        assertEquals("status: running\n", run(cluster, PVE2, "qm", "status", "100").stdout());
        assertEquals(255, run(cluster, PVE1, "qm", "status", "100").exitCode());
    }

    @Test
    void statusVerboseGivesSortedKeyValueLines() {
        createVm(PVE1, 100);
        String verbose = run(cluster, PVE1, "qm", "status", "100", "--verbose").stdout();
        java.util.List<String> keys = verbose.lines().map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertEquals(keys.stream().sorted().toList(), keys);
        assertTrue(verbose.contains("status: stopped\n") && verbose.contains("maxmem: 2147483648\n"), verbose);
    }

    @Test
    void cloudinitDumpShowsWhatTheGuestReceives() {
        run(cluster, PVE1, "qm", "create", "100", "--name", "web", "--net0", "virtio,bridge=vmbr0", "--ciuser",
                "debian", "--ipconfig0", "ip=127.0.10.100/24,gw=127.0.10.1", "--nameserver", "127.0.0.53");
        String user = run(cluster, PVE1, "qm", "cloudinit", "dump", "100", "user").stdout();
        assertTrue(user.startsWith("#cloud-config\n") && user.contains("user: debian\n"), user);
        String network = run(cluster, PVE1, "qm", "cloudinit", "dump", "100", "network").stdout();
        assertTrue(network.contains("address: '127.0.10.100'") && network.contains("netmask: '255.255.255.0'")
                && network.contains("gateway: '127.0.10.1'"), network);
    }

    @Test
    void unknownSubcommandAndProgram() {
        CommandResult qm = run(cluster, PVE1, "qm", "frobnicate");
        assertEquals(255, qm.exitCode());
        assertEquals("ERROR: unknown command 'qm frobnicate'\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n", qm.stderr());
        CommandResult ls = run(cluster, PVE1, "ls", "/");
        assertEquals(127, ls.exitCode());
        assertEquals("bash: line 1: ls: command not found\n", ls.stderr());
    }
}
