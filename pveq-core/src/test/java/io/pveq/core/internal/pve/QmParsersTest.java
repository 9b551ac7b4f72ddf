package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.DiskSize;
import io.pveq.core.VmId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QmParsersTest {

    private static final String CMD = "qm test";

    @Test
    void plainStatusLine() {
        VmStatus s = QmParsers.status(CMD, "status: running\n");
        assertTrue(s.running());
        assertEquals(Map.of(), s.fields());
        assertEquals("stopped", QmParsers.status(CMD, "status: stopped").status());
        assertEquals("paused", QmParsers.status(CMD, "status: paused\n").status());
    }

    @Test
    void verboseStatusReadsTopLevelFieldsAndSkipsNestedBlocks() {
        String out = """
                blockstat:
                \tscsi0:
                \t\trd_bytes: 1234
                cpus: 2
                lock: backup
                maxmem: 2147483648
                name: web-1
                nics:
                \ttap101i0:
                \t\tnetin: 99
                pid: 4242
                qmpstatus: running
                running-qemu: 9.2.0
                status: running
                uptime: 360
                vmid: 101
                """;
        VmStatus s = QmParsers.status(CMD, out);
        assertEquals(Optional.of(4242L), s.pid());
        assertEquals(Optional.of("web-1"), s.name());
        assertEquals(Optional.of("backup"), s.lock());
        assertEquals(Optional.of("running"), s.qmpStatus());
        assertEquals(Optional.of(360L), s.uptimeSeconds());
        assertFalse(s.fields().containsKey("rd_bytes"));
        assertEquals("9.2.0", s.fields().get("running-qemu"));
    }

    @Test
    void statusWithoutStatusLineIsUnexpected() {
        assertThrows(UnexpectedOutputException.class, () -> QmParsers.status(CMD, ""));
        assertThrows(UnexpectedOutputException.class, () -> QmParsers.status(CMD, "hello\n"));
    }

    @Test
    void configOfARecordedVm() {
        String out = Samples.transcriptOutputs("qm config 9100").get(0);
        VmConfig c = QmParsers.config(CMD, out);
        assertEquals(Optional.of("ubuntu-2404-smoke-01"), c.name());
        assertEquals(2, c.cores());
        assertEquals(2048, c.memoryMiB());
        assertEquals(List.of("scsi0"), c.bootOrder());
        VmConfig.Disk scsi0 = c.disk("scsi0").orElseThrow();
        assertEquals("vmdata:base-9000-disk-0/vm-9100-disk-0", scsi0.file());
        assertEquals(Optional.of(DiskSize.ofGiB(16)), scsi0.size());
        VmConfig.Disk ide2 = c.disk("ide2").orElseThrow();
        assertTrue(ide2.cloudInit());
        assertTrue(ide2.cdrom());
        assertEquals(Optional.of(DiskSize.ofMiB(4)), ide2.size());
        assertEquals("virtio", c.net(0).orElseThrow().model());
        assertEquals(Optional.of("**********"), c.get("cipassword"));
        assertFalse(c.template());
    }

    @Test
    void configOfRecordedTemplateAndImportedDiskSize() {
        List<String> outputs = Samples.transcriptOutputs("qm config 9000");
        VmConfig before = QmParsers.config(CMD, outputs.get(0));
        assertEquals(Optional.of(DiskSize.ofMiB(3584)), before.disk("scsi0").orElseThrow().size());
        assertEquals(new VolumeId("vmdata", "vm-9000-disk-0"), before.disk("scsi0").orElseThrow().volume().orElseThrow());
        VmConfig after = QmParsers.config(CMD, outputs.get(1));
        assertTrue(after.template());
        assertEquals("base-9000-disk-0", after.disk("scsi0").orElseThrow().volume().orElseThrow().volume());
    }

    @Test
    void configAsFactsDescribesIt() {
        String out = """
                agent: enabled=1
                boot: order=scsi0;net0
                cipassword: **********
                cpu: x86-64-v3,flags=+aes
                memory: 4096
                net0: virtio=BC:24:11:46:32:17,bridge=vmbr0,firewall=1,tag=30
                scsi0: local-lvm:vm-100-disk-0,discard=on,iothread=1,size=32G
                sshkeys: ssh-ed25519%20AAAAC3Nza%2B%2F%3D%20me%40host%0A
                tags: pveq;web
                unused0: local:100/vm-100-disk-1.qcow2
                [PENDING]
                memory: 8192
                """;
        VmConfig c = QmParsers.config(CMD, out);
        assertEquals(4096, c.memoryMiB(), "pending section must not override the current value");
        assertEquals(Optional.of("x86-64-v3"), c.cpuType());
        assertEquals(List.of("scsi0", "net0"), c.bootOrder());
        VmConfig.NetDevice net = c.net(0).orElseThrow();
        assertEquals(Optional.of("BC:24:11:46:32:17"), net.macAddress());
        assertEquals(Optional.of("vmbr0"), net.bridge());
        assertEquals(Optional.of(30), net.vlanTag());
        assertEquals(Optional.of(DiskSize.ofGiB(32)), c.disk("scsi0").orElseThrow().size());
        assertEquals(Optional.of("ssh-ed25519 AAAAC3Nza+/= me@host\n"), c.sshKeys());
        assertEquals(List.of("pveq", "web"), c.tags());
        assertEquals(Map.of("unused0", new VolumeId("local", "100/vm-100-disk-1.qcow2")), c.unused());
        assertEquals(1, c.disks().size());
        assertEquals(1, c.cores(), "Proxmox default when unset");
    }

    @Test
    void pve9MemoryPropertyStringAndGarbage() {
        assertEquals(2048, QmParsers.config(CMD, "memory: current=2048\n").memoryMiB());
        assertThrows(UnexpectedOutputException.class, () -> QmParsers.config(CMD, "this is not a config\n"));
        assertEquals(Map.of(), QmParsers.config(CMD, "").entries());
    }

    @Test
    void listWithFactsColumnLayoutTrailingSpacesAndUnnamedVm() {
        String out = String.format("%10s %-20s %-10s %-10s %12s %-10s%n", "VMID", "NAME", "STATUS", "MEM(MB)",
                "BOOTDISK(GB)", "PID")
                + String.format("%10s %-20s %-10s %-10s %12.2f %-10s%n", 100, "ubuntu-test", "running", 2048, 32.0, 12345)
                + String.format("%10s %-20s %-10s %-10s %12.2f %-10s%n", 101, "VM 101", "stopped", 512, 0.0, 0)
                + String.format("%10s %-20s %-10s %-10s %12.2f %-10s%n", 102,
                "a-name-much-longer-than-twenty-characters", "stopped", 1024, 3.5, 0);
        assertTrue(out.startsWith("      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n"));
        List<VmListEntry> rows = QmParsers.list(CMD, out);
        assertEquals(3, rows.size());
        assertEquals(new VmListEntry(VmId.of(100), "ubuntu-test", "running", 2048, 32.0, 12345), rows.get(0));
        assertEquals("VM 101", rows.get(1).name());
        assertEquals(0, rows.get(1).pid());
        assertEquals("a-name-much-longer-than-twenty-characters", rows.get(2).name());
        assertEquals(3.5, rows.get(2).bootDiskGiB());
    }

    @Test
    void emptyListAndDamagedWhitespaceAndGarbage() {
        assertEquals(List.of(), QmParsers.list(CMD, ""));
        assertEquals(List.of(), QmParsers.list(CMD, "\n"));
        List<VmListEntry> rows = QmParsers.list(CMD, "VMID NAME STATUS MEM(MB) BOOTDISK(GB) PID\n"
                + "9100 ubuntu-2404-smoke-01 running 2048 16.00 7311\n");
        assertEquals(VmId.of(9100), rows.get(0).vmId());
        assertThrows(UnexpectedOutputException.class, () -> QmParsers.list(CMD, "       100 broken row\n"));
    }
}
