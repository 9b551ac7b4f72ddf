package io.pveq.sim;

import static io.pveq.sim.SimTesting.PVE1;
import static io.pveq.sim.SimTesting.PVE2;
import static io.pveq.sim.SimTesting.qcow2;
import static io.pveq.sim.SimTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.transport.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qm behaviour per FACTS.md: texts, exit codes, config layout. */
class QmConformanceTest {

    private final SimulatedCluster cluster = SimTesting.cluster();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void createWithImportFromPrintsTransferLinesAndCreatedDisk() {
        Path image = qcow2(dir, "ubuntu.img", 3584L << 20);
        CommandResult result = run(cluster, PVE1, "qm", "create", "9000", "--name", "ubuntu-2404", "--memory", "2048",
                "--scsi0", "local-lvm:0,import-from=" + image, "--net0", "virtio,bridge=vmbr0");
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("transferred 0.0 B of 3.5 GiB (0.00%)\n"), result.stdout());
        assertTrue(result.stdout().contains("transferred 3.5 GiB of 3.5 GiB (100.00%)\n"), result.stdout());
        assertTrue(result.stdout().contains("scsi0: successfully created disk 'local-lvm:vm-9000-disk-0,size=3584M'\n"),
                result.stdout());
        String config = run(cluster, PVE1, "qm", "config", "9000").stdout();
        assertTrue(config.contains("scsi0: local-lvm:vm-9000-disk-0,size=3584M\n"), config);
        assertTrue(config.matches("(?s).*net0: virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0\n.*"),
                config);
        assertTrue(config.matches("(?s).*meta: creation-qemu=9\\.2\\.0,ctime=\\d+\n.*"), config);
        assertTrue(config.matches("(?s).*smbios1: uuid=[0-9a-f-]{36}\n.*"), config);
        assertTrue(config.matches("(?s).*vmgenid: [0-9a-f-]{36}\n.*"), config);
    }

    @Test
    void configLinesAreSortedWithoutDigestAndMaskThePassword() {
        run(cluster, PVE1, "qm", "create", "100", "--name", "web", "--cores", "2", "--cipassword", "s3cret",
                "--ciuser", "ubuntu", "--ipconfig0", "ip=127.0.10.100/24,gw=127.0.10.1");
        String config = run(cluster, PVE1, "qm", "config", "100").stdout();
        List<String> keys = config.lines().map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertEquals(keys.stream().sorted().toList(), keys);
        assertTrue(config.contains("cipassword: **********\n"), config);
        assertTrue(!config.contains("digest"), config);
        assertEquals("s3cret", cluster.guest(io.pveq.core.VmId.of(100)).orElseThrow().cloudInit().password()
                .orElseThrow());
    }

    @Test
    void createOfATakenIdFailsWithTheClusterWideMessage() {
        assertEquals(0, run(cluster, PVE2, "qm", "create", "101").exitCode());
        CommandResult result = run(cluster, PVE1, "qm", "create", "101");
        assertEquals(255, result.exitCode());
        assertEquals("unable to create VM 101 - VM 101 already exists on node 'pve2'\n", result.stderr());
    }

    @Test
    void createOfAContainerIdSaysCt() {
        try (SimulatedCluster withCt = SimulatedCluster.builder().clock(SimClock.create())
                .container(io.pveq.core.VmId.of(105), PVE2, "db").build()) {
            CommandResult result = run(withCt, PVE1, "qm", "create", "105");
            assertEquals("unable to create VM 105 - CT 105 already exists on node 'pve2'\n", result.stderr());
        }
    }

    @Test
    void missingVmNamesTheLocalConfigFile() {
        CommandResult result = run(cluster, PVE1, "qm", "status", "999");
        assertEquals(255, result.exitCode());
        assertEquals("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n", result.stderr());
    }

    @Test
    void vmOnAnotherNodeIsNotFoundLocally() {
        run(cluster, PVE2, "qm", "create", "120");
        assertEquals("Configuration file 'nodes/pve1/qemu-server/120.conf' does not exist\n",
                run(cluster, PVE1, "qm", "config", "120").stderr());
    }

    @Test
    void parameterErrorsPrintVerificationLinesAndUsage() {
        CommandResult result = run(cluster, PVE1, "qm", "create", "100", "--cores", "0", "--ostype", "bsd");
        assertEquals(255, result.exitCode());
        assertEquals("400 Parameter verification failed.\n"
                + "cores: value must have a minimum value of 1\n"
                + "ostype: value 'bsd' does not have a value in the enumeration 'other, wxp, w2k, w2k3, w2k8, wvista,"
                + " win7, win8, win10, win11, l24, l26, solaris'\n"
                + "qm create <vmid> [OPTIONS]\n", result.stderr());
        assertTrue(cluster.vmIds().isEmpty());
    }

    @Test
    void malformedPropertyStringIsAParameterError() {
        CommandResult result = run(cluster, PVE1, "qm", "create", "100", "--net0", "virtio,bridge=vmbr0,speed=9");
        assertEquals(255, result.exitCode());
        assertTrue(result.stderr().startsWith("400 Parameter verification failed.\nnet0: invalid format - invalid key"
                + " in comma-separated list property: speed\n"), result.stderr());
    }

    @Test
    void unknownOptionAndArgumentCountErrors() {
        CommandResult unknown = run(cluster, PVE1, "qm", "start", "100", "--bogus", "1");
        assertEquals(255, unknown.exitCode());
        assertEquals("Unknown option: bogus\n400 unable to parse option\nqm start <vmid> [OPTIONS]\n", unknown.stderr());
        assertEquals("400 not enough arguments\nqm resize <vmid> <disk> <size> [OPTIONS]\n",
                run(cluster, PVE1, "qm", "resize", "100", "scsi0").stderr());
        assertEquals("400 too many arguments\nqm start <vmid> [OPTIONS]\n",
                run(cluster, PVE1, "qm", "start", "100", "101").stderr());
    }

    @Test
    void optionsMayPrecedePositionalsAndUseSingleDashOrBooleanWords() {
        assertEquals(0, run(cluster, PVE1, "qm", "create", "-memory", "1024", "--onboot", "yes", "100").exitCode());
        String config = run(cluster, PVE1, "qm", "config", "100").stdout();
        assertTrue(config.contains("memory: 1024\n") && config.contains("onboot: 1\n"), config);
        assertEquals("400 not enough arguments\nqm destroy <vmid> [OPTIONS]\n",
                run(cluster, PVE1, "qm", "destroy", "--purge", "100").stderr(), "a bare boolean takes the next word");
        assertEquals("400 unable to parse boolean option\nqm destroy <vmid> [OPTIONS]\n",
                run(cluster, PVE1, "qm", "destroy", "100", "--purge", "maybe").stderr());
        assertEquals(0, run(cluster, PVE1, "qm", "destroy", "--skiplock", "--purge", "1", "100").exitCode());
        assertTrue(cluster.vmIds().isEmpty());
    }

    @Test
    void setEchoesOptionsAndHidesThePassword() {
        run(cluster, PVE1, "qm", "create", "100");
        CommandResult result = run(cluster, PVE1, "qm", "set", "100", "--ciuser", "ubuntu", "--cipassword", "pw");
        assertEquals("update VM 100: -ciuser ubuntu -cipassword <hidden>\n", result.stdout());
    }

    @Test
    void setCloudinitDriveCreatesItAndGeneratesTheIso() {
        run(cluster, PVE1, "qm", "create", "100");
        CommandResult result = run(cluster, PVE1, "qm", "set", "100", "--ide2", "local-lvm:cloudinit");
        assertEquals("update VM 100: -ide2 local-lvm:cloudinit\n"
                + "  Logical volume \"vm-100-cloudinit\" created.\n"
                + "ide2: successfully created disk 'local-lvm:vm-100-cloudinit,media=cdrom'\n"
                + "generating cloud-init ISO\n", result.stdout());
    }

    @Test
    void sshkeysOptionReadsTheFileAndStoresItUrlEncoded() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.pub"), "ssh-ed25519 AAAAC3Nza+/x= me@host\n");
        run(cluster, PVE1, "qm", "create", "100", "--sshkeys", keys.toString());
        String config = run(cluster, PVE1, "qm", "config", "100").stdout();
        assertTrue(config.contains("sshkeys: ssh-ed25519%20AAAAC3Nza%2B%2Fx%3D%20me%40host%0A\n"), config);
    }

    @Test
    void storageErrors() {
        assertEquals("storage 'nope' does not exist\n",
                run(cluster, PVE1, "qm", "create", "100", "--scsi0", "nope:32").stderr());
        try (SimulatedCluster disabled = SimulatedCluster.builder().clock(SimClock.create())
                .storage(SimStorage.lvmThin("local-lvm", 1L << 40).disabled()).build()) {
            assertEquals("storage 'local-lvm' is disabled\n",
                    run(disabled, PVE1, "qm", "create", "100", "--scsi0", "local-lvm:32").stderr());
        }
    }

    @Test
    void volumeNamesDifferByStorageType() {
        try (SimulatedCluster mixed = SimulatedCluster.builder().clock(SimClock.create())
                .storage(SimStorage.dir("local", 1L << 40)).storage(SimStorage.zfsPool("local-zfs", 1L << 40))
                .storage(SimStorage.nfs("shared", 1L << 40)).build()) {
            Path image = qcow2(dir, "debian.qcow2", 2L << 30);
            assertTrue(run(mixed, PVE1, "qm", "create", "100", "--scsi0", "local-zfs:0,import-from=" + image).stdout()
                    .contains("scsi0: successfully created disk 'local-zfs:vm-100-disk-0,size=2G'"));
            assertTrue(run(mixed, PVE1, "qm", "create", "101", "--scsi0", "local:0,import-from=" + image).stdout()
                    .contains("scsi0: successfully created disk 'local:101/vm-101-disk-0.qcow2,size=2G'"));
            assertTrue(run(mixed, PVE1, "qm", "create", "102", "--scsi0", "shared:4,format=raw").stdout()
                    .contains("scsi0: successfully created disk 'shared:102/vm-102-disk-0.raw,format=raw,size=4G'"));
        }
    }

    @Test
    void importFromAMissingFileFailsAndLeavesNoVm() {
        CommandResult result = run(cluster, PVE1, "qm", "create", "100", "--scsi0",
                "local-lvm:0,import-from=/nonexistent/x.qcow2");
        assertEquals(255, result.exitCode());
        assertEquals("could not get file size of /nonexistent/x.qcow2\n", result.stderr());
        assertTrue(cluster.vmIds().isEmpty());
    }

    @Test
    void importFromAFilePlacedOnTheNodeThroughFileTransfer() throws Exception {
        Path image = qcow2(dir, "rocky.qcow2", 10L << 30);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(image)));
        cluster.transport(PVE2).upload(image, "/var/lib/pveq/images/rocky.qcow2", sha,
                io.pveq.core.transport.FileTransfer.TransferProgress.NONE);
        assertEquals(0, run(cluster, PVE2, "qm", "create", "100", "--scsi0",
                "local-lvm:0,import-from=/var/lib/pveq/images/rocky.qcow2").exitCode());
        assertTrue(run(cluster, PVE2, "qm", "config", "100").stdout().contains("size=10G"));
    }
}
