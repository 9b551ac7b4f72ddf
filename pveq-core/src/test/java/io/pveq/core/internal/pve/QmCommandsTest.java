package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.transport.CommandRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QmCommandsTest {

    private static final VmId ID = VmId.of(101);

    private static CreateVmSpec.Builder base() {
        return CreateVmSpec.builder(ID, "web-1")
                .cpu(2, 1)
                .memoryMiB(2048)
                .cpuType("x86-64-v2-AES")
                .network("vmbr0", null)
                .systemDisk("local-lvm", "/var/lib/vz/template/debian-12.qcow2")
                .ciUser("debian", "t0p secret")
                .sshKeysFile("/tmp/pveq/keys-101.pub")
                .ipConfig(IpConfig.of("10.0.0.101", 24, "10.0.0.1"), "10.0.0.1", "lab.example")
                .tags(List.of("pveq", "web"))
                .description("made by pveq")
                .onBoot(true);
    }

    @Test
    void createCarriesCloudInitHardwareAndImportsTheDiskDuringCreate() {
        CommandRequest r = QmCommands.create(base().build());
        List<String> argv = withoutPasswordHash(r.argv());
        assertEquals(List.of("qm", "create", "101", "--name", "web-1", "--cores", "2", "--sockets", "1",
                "--memory", "2048", "--cpu", "x86-64-v2-AES", "--ostype", "l26", "--scsihw", "virtio-scsi-single",
                "--scsi0", "local-lvm:0,import-from=/var/lib/vz/template/debian-12.qcow2,discard=on,iothread=1",
                "--net0", "virtio,bridge=vmbr0", "--ide2", "local-lvm:cloudinit", "--serial0", "socket",
                "--vga", "serial0", "--boot", "order=scsi0", "--agent", "enabled=1", "--ciuser", "debian",
                "--cipassword", "HASH", "--sshkeys", "/tmp/pveq/keys-101.pub",
                "--ipconfig0", "ip=10.0.0.101/24,gw=10.0.0.1", "--nameserver", "10.0.0.1",
                "--searchdomain", "lab.example", "--ciupgrade", "0", "--tags", "pveq;web", "--description", "made by pveq",
                "--onboot", "1"), argv);
    }

    /** The argv with the cipassword value replaced by HASH, after checking it is the password's $6$ hash. */
    private static List<String> withoutPasswordHash(List<String> argv) {
        List<String> copy = new java.util.ArrayList<>(argv);
        int i = copy.indexOf("--cipassword") + 1;
        String hash = copy.get(i);
        assertTrue(hash.startsWith("$6$"), "the node never sees the plain password: " + hash);
        assertTrue(hash.equals(ShaCrypt.crypt("t0p secret", hash)) || hash.equals(ShaCrypt.crypt("pw 2", hash)), hash);
        copy.set(i, "HASH");
        return copy;
    }

    @Test
    void anAlreadyHashedPasswordIsPassedOnUnchanged() {
        String hashed = "$6$abcdefgh$" + "x".repeat(86);
        CommandRequest r = QmCommands.create(base().ciUser("debian", hashed).build());
        assertEquals(hashed, r.argv().get(r.argv().indexOf("--cipassword") + 1));
        assertTrue(r.secretArgs().contains(r.argv().indexOf("--cipassword") + 1), "still marked secret");
    }

    @Test
    void createHidesThePasswordAndOnlyThePassword() {
        CommandRequest r = QmCommands.create(base().build());
        int index = r.argv().indexOf("--cipassword") + 1;
        assertEquals(Set.of(index), r.secretArgs());
        assertFalse(r.displayLine().contains("t0p secret"));
        assertTrue(r.displayLine().contains("--cipassword <hidden>"));
        CommandRequest noPassword = QmCommands.create(base().ciUser("debian", null).build());
        assertFalse(noPassword.argv().contains("--cipassword"), "never a bare --cipassword (it would prompt)");
        assertEquals(Set.of(), noPassword.secretArgs());
    }

    @Test
    void createWithFixedMacVlanBalloonAndScsiCloudInitDrive() {
        CommandRequest r = QmCommands.create(base().macAddress("BC:24:11:46:32:17").network("vmbr1", 20)
                .balloonMiB(0).cloudInitDrive("local-zfs", CreateVmSpec.CloudInitSlot.SCSI1).agent(false).build());
        List<String> argv = r.argv();
        assertEquals("virtio=BC:24:11:46:32:17,bridge=vmbr1,tag=20", argv.get(argv.indexOf("--net0") + 1));
        assertEquals("0", argv.get(argv.indexOf("--balloon") + 1));
        assertEquals("local-zfs:cloudinit", argv.get(argv.indexOf("--scsi1") + 1));
        assertFalse(argv.contains("--ide2"));
        assertEquals("enabled=0", argv.get(argv.indexOf("--agent") + 1));
    }

    @Test
    void specRejectsValuesProxmoxWouldRefuseOrMisread() {
        assertThrows(InvalidSpecException.class, () -> base().cpuType("x86-64-v1").build());
        assertThrows(InvalidSpecException.class, () -> base().systemDisk("local-lvm", "relative/x.qcow2").build());
        assertThrows(InvalidSpecException.class, () -> base().systemDisk("local-lvm", "/a,b.qcow2").build());
        assertThrows(InvalidSpecException.class, () -> base().systemDisk("9bad", "/a.qcow2").build());
        assertThrows(InvalidSpecException.class, () -> CreateVmSpec.builder(ID, "web_1")
                .systemDisk("local", "/a.qcow2").build());
        assertThrows(InvalidSpecException.class, () -> base().network("vmbr0", 4095).build());
        assertThrows(InvalidSpecException.class, () -> base().macAddress("01:00:5E:00:00:01").build());
        assertThrows(InvalidSpecException.class, () -> base().ciUser("debian", "two\nlines").build());
        assertThrows(InvalidSpecException.class, () -> base().tags(List.of("has space")).build());
        assertThrows(InvalidSpecException.class, () -> base().osType("linux").build());
        assertThrows(InvalidSpecException.class, () -> base().memoryMiB(8).build());
        assertThrows(InvalidSpecException.class, () -> base().memoryMiB(1024).balloonMiB(2048).build());
        assertThrows(InvalidSpecException.class, () -> base().ipConfig(IpConfig.dhcp(), "8.8.8.8,1.1.1.1", null)
                .build());
        assertThrows(InvalidSpecException.class, () -> CreateVmSpec.builder(ID, "x").diskStorage("9bad").build());
    }

    @Test
    void createWithoutImageLeavesTheSystemDiskAndBootOrderForLater() {
        CreateVmSpec spec = CreateVmSpec.builder(ID, "web-1").diskStorage("local-lvm").build();
        List<String> argv = QmCommands.create(spec).argv();
        assertFalse(argv.contains("--scsi0"), argv.toString());
        assertFalse(argv.contains("--boot"), argv.toString());
        assertTrue(argv.contains("--ide2"), argv.toString());
        assertEquals("local-lvm:cloudinit", argv.get(argv.indexOf("--ide2") + 1));
    }

    @Test
    void generatedPropertyStringsReadBackAsTheSpecSaid() {
        SpecGenerator generator = new SpecGenerator(2024);
        for (int i = 0; i < 200; i++) {
            SpecGenerator.Generated g = generator.create();
            CreateVmSpec spec = g.spec().orElseThrow();
            List<String> argv = g.request().argv();
            // what qm config would show for these options, read with the same parser
            VmConfig config = new VmConfig(java.util.Map.of(
                    "net0", argv.get(argv.indexOf("--net0") + 1),
                    "scsi0", argv.get(argv.indexOf("--scsi0") + 1),
                    "ipconfig0", argv.get(argv.indexOf("--ipconfig0") + 1)));
            VmConfig.NetDevice net = config.net(0).orElseThrow();
            assertEquals("virtio", net.model());
            assertEquals(Optional.of(spec.bridge()), net.bridge());
            assertEquals(spec.vlanTag(), net.vlanTag());
            assertEquals(spec.macAddress(), net.macAddress());
            VmConfig.Disk disk = config.disk("scsi0").orElseThrow();
            assertEquals(spec.diskStorage() + ":0", disk.file());
            assertEquals(spec.importFrom(), disk.options().get("import-from"));
            assertEquals(spec.ipConfig().toPropertyString(),
                    PropertyString.parse(config.get("ipconfig0").orElseThrow(), null));
        }
    }

    @Test
    void diskImportHasBothSpellings() {
        assertEquals(List.of("qm", "disk", "import", "101", "/img/a.qcow2", "local-lvm", "--format", "qcow2"),
                QmCommands.diskImport(ID, "/img/a.qcow2", "local-lvm", Optional.of("qcow2")).argv());
        assertEquals(List.of("qm", "importdisk", "101", "/img/a.qcow2", "local"),
                QmCommands.importDiskLegacy(ID, "/img/a.qcow2", "local", Optional.empty()).argv());
        assertThrows(InvalidSpecException.class,
                () -> QmCommands.diskImport(ID, "/img/a.qcow2", "local", Optional.of("vdi")));
    }

    @Test
    void setAttachesImportedVolumeAndHidesPassword() {
        CommandRequest r = QmCommands.set(ID, ConfigUpdate.builder()
                .disk("scsi0", VolumeId.parse("local:101/vm-101-disk-0.qcow2"),
                        PropertyString.builder().put("discard", "on").build())
                .bootOrder(List.of("scsi0"))
                .ciPassword("pw 2")
                .delete("unused0")
                .build());
        assertEquals(List.of("qm", "set", "101", "--scsi0", "local:101/vm-101-disk-0.qcow2,discard=on",
                "--boot", "order=scsi0", "--cipassword", "HASH", "--delete", "unused0"), withoutPasswordHash(r.argv()));
        assertEquals(Set.of(8), r.secretArgs());
        assertThrows(InvalidSpecException.class, () -> ConfigUpdate.builder().build());
        assertThrows(InvalidSpecException.class, () -> ConfigUpdate.builder().cores(1).cores(2));
    }

    @Test
    void resizeIsAbsoluteOrRelative() {
        assertEquals(List.of("qm", "resize", "101", "scsi0", "16G"),
                QmCommands.resizeTo(ID, "scsi0", DiskSize.ofGiB(16)).argv());
        assertEquals(List.of("qm", "resize", "101", "scsi0", "+10G"),
                QmCommands.growBy(ID, "scsi0", DiskSize.ofGiB(10), false).argv());
        assertThrows(InvalidSpecException.class, () -> QmCommands.resizeTo(ID, "scsi31", DiskSize.ofGiB(1)));
    }

    @Test
    void powerAndLifecycleCommandsGiveBooleansExplicitValues() {
        assertEquals(List.of("qm", "stop", "101", "--skiplock", "1"),
                QmCommands.stop(ID, true, Optional.empty()).argv());
        assertEquals(List.of("qm", "shutdown", "101", "--timeout", "91", "--forceStop", "1"),
                QmCommands.shutdown(ID, Optional.of(Duration.ofMillis(90_500)), true).argv());
        assertEquals(List.of("qm", "destroy", "101", "--purge", "1", "--destroy-unreferenced-disks", "1"),
                QmCommands.destroy(ID, true, true, false).argv());
        assertEquals(List.of("qm", "migrate", "101", "pve2", "--online", "1", "--with-local-disks", "1",
                "--targetstorage", "local-zfs"),
                QmCommands.migrate(ID, NodeName.of("pve2"), true, true, Optional.of("local-zfs")).argv());
        assertEquals(List.of("qm", "status", "101", "--verbose", "1"), QmCommands.status(ID, true).argv());
        assertEquals(List.of("qm", "cloudinit", "dump", "101", "network"),
                QmCommands.cloudInitDump(ID, QmCommands.CloudInitSection.NETWORK).argv());
    }

    @Test
    void pveshAndPvesmAskForJsonAndFilters() {
        assertEquals(List.of("pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"),
                PveshCommands.clusterResources(Optional.of(PveshCommands.ResourceType.VM)).argv());
        assertEquals(List.of("pvesh", "get", "/nodes/pve2/status", "--output-format", "json"),
                PveshCommands.nodeStatus(NodeName.of("pve2")).argv());
        assertEquals(List.of("pvesh", "get", "/cluster/nextid", "--output-format", "json"),
                PveshCommands.nextId().argv());
        assertEquals(List.of("pvesm", "status", "--storage", "local"), PvesmCommands.status(Optional.of("local"))
                .argv());
    }
}
