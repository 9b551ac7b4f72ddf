package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.CommandFailedException;
import io.pveq.core.DiskSize;
import io.pveq.core.NodeName;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.testing.ScriptedCommandTransport;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PveNodeTest {

    private static final VmId ID = VmId.of(101);
    private static final PveNode.Timeouts TIMEOUTS = new PveNode.Timeouts(Duration.ofSeconds(5),
            Duration.ofSeconds(50), Duration.ofSeconds(500));

    private final ScriptedCommandTransport transport = new ScriptedCommandTransport();
    private final PveNode node = new PveNode(NodeName.of("pve1"), transport, TIMEOUTS);

    private static CreateVmSpec spec() {
        return CreateVmSpec.builder(ID, "web-1").systemDisk("local-lvm", "/img/debian.qcow2")
                .ciUser("debian", "pw").build();
    }

    @Test
    void createReturnsTheDisksProxmoxMadeAndStreamsProgress() {
        transport.ok(List.of("qm", "create"), "transferred 0.0 B of 2.0 GiB (0.00%)\n"
                + "transferred 2.0 GiB of 2.0 GiB (100.00%)\n"
                + "scsi0: successfully created disk 'local-lvm:vm-101-disk-0,discard=on,iothread=1,size=2G'\n"
                + "ide2: successfully created disk 'local-lvm:vm-101-cloudinit,media=cdrom'\n");
        List<Double> progress = new CopyOnWriteArrayList<>();
        OutputListener listener = (stream, line) -> DiskImportOutput.progressPercent(line).ifPresent(progress::add);
        List<DiskImportOutput.CreatedDisk> disks = node.create(spec(), Optional.of(listener));
        assertEquals(new VolumeId("local-lvm", "vm-101-disk-0"), disks.get(0).volume());
        assertEquals(List.of(0.0, 100.0), progress);
        CommandRequest sent = transport.requests().get(0);
        assertEquals(Duration.ofSeconds(500), sent.timeout(), "disk-heavy commands get the disk timeout");
        assertTrue(sent.displayLine().contains("--cipassword <hidden>"), "secret marks survive the re-wrap");
    }

    @Test
    void createOnATakenVmidThrowsVmExists() {
        transport.on(List.of("qm", "create"), 255, "",
                "unable to create VM 101 - VM 101 already exists on node 'pve2'\n");
        VmExistsException e = assertThrows(VmExistsException.class, () -> node.create(spec(), Optional.empty()));
        assertEquals("pve2", e.node());
    }

    @Test
    void statusAndConfigAreParsedAndMissingVmIsNotFound() {
        transport.ok(List.of("qm", "status", "101"), "status: stopped\n");
        transport.ok(List.of("qm", "config", "101"), "cores: 4\nname: web-1\n");
        transport.on(List.of("qm", "status", "999"), 2, "",
                "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n");
        assertTrue(node.status(ID).stopped());
        assertEquals(4, node.config(ID).cores());
        assertEquals(Duration.ofSeconds(5), transport.requests().get(1).timeout());
        assertThrows(VmNotFoundException.class, () -> node.status(VmId.of(999)));
    }

    @Test
    void startWithWarningsOnStderrSucceeds() {
        transport.on(List.of("qm", "start"), 0, "generating cloud-init ISO\n",
                "WARN: Interface 'tap101i0' not attached to any bridge.\nTask finished with 1 warning(s)!\n");
        node.start(ID);
        assertEquals(List.of("qm", "start", "101"), transport.lastArgv());
    }

    @Test
    void resizeWithExitZeroHandsBackStderrThatIsNotKnownHarmlessForTheCallerToJudge() {
        transport.on(List.of("qm", "resize"), 0, "", "VM 101 qmp command 'block_resize' failed - oops\n");
        assertTrue(node.resizeTo(ID, "scsi0", DiskSize.ofGiB(16)).orElseThrow().contains("block_resize"));
        transport.on(List.of("qm", "resize"), 0, "", "trying to acquire lock...\n OK\n");
        assertEquals(java.util.Optional.empty(), node.growBy(ID, "scsi0", DiskSize.ofGiB(1), false));
    }

    @Test
    void resizeWithANonZeroExitFails() {
        transport.on(List.of("qm", "resize"), 255, "", "VM 101 qmp command 'block_resize' failed - oops\n");
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> node.resizeTo(ID, "scsi0", DiskSize.ofGiB(16)));
        assertTrue(e.stderrTail().contains("block_resize"));
    }

    @Test
    void theTemplatesStandardInputReachesTheTransport() {
        transport.ok(List.of("pvesh", "create"), "");
        byte[] body = "secret body\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        node.run(io.pveq.core.transport.CommandRequest.builder(List.of("pvesh", "create", "/x")).stdin(body).build(),
                Duration.ofSeconds(5), java.util.Optional.empty(), java.util.Optional.empty(), false);
        assertEquals("secret body\n", new String(transport.requests().get(0).stdin().orElseThrow(),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void shutdownWaitsLongerThanItsOwnTimeout() {
        transport.ok(List.of("qm", "shutdown"), "");
        node.shutdown(ID, Duration.ofSeconds(120), true);
        assertEquals(List.of("qm", "shutdown", "101", "--timeout", "120", "--forceStop", "1"), transport.lastArgv());
        assertEquals(Duration.ofSeconds(170), transport.requests().get(0).timeout());
    }

    @Test
    void clusterViewsAndImport() {
        transport.ok(List.of("pvesh", "get", "/cluster/nextid"), "\"105\"\n");
        transport.ok(List.of("pvesh", "get", "/cluster/resources"),
                "[{\"id\":\"qemu/100\",\"node\":\"pve1\",\"status\":\"unknown\",\"type\":\"qemu\",\"vmid\":100}]");
        transport.ok(List.of("qm", "disk", "import"), "unused0: successfully imported disk 'local:101/vm-101-disk-0.raw'\n");
        transport.ok(List.of("qm", "list"), "");
        transport.ok(List.of("qm", "importdisk"), "Successfully imported disk as 'unused0:local-lvm:vm-101-disk-1'\n");
        assertEquals(VmId.of(105), node.nextId());
        assertEquals("unknown", node.clusterVms().get(0).status());
        assertEquals(List.of("pvesh", "get", "/cluster/resources", "--type", "vm", "--output-format", "json"),
                transport.lastArgv());
        assertEquals("101/vm-101-disk-0.raw",
                node.importDisk(ID, "/img/a.raw", "local", Optional.empty(), Optional.empty()).volume().volume());
        assertEquals(List.of(), node.list());
        assertEquals("vm-101-disk-1", node.importDiskLegacy(ID, "/img/a.raw", "local-lvm", Optional.empty(),
                Optional.empty()).volume().volume());
    }
}
