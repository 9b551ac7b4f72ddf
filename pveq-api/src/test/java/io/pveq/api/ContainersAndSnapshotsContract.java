package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmStateException;
import io.pveq.core.VmStatus;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Containers (seed 004's LXC operations and seed 003's container calls) and snapshots of VMs and
 * containers, over real HTTPS against the simulator's API face of one release; every request checked
 * against that release's apidata.js on the way out, every answer by the simulator's conformance check.
 */
abstract class ContainersAndSnapshotsContract extends GuestFeaturesFixture {

    static final VmId CT = VmId.of(200);
    static final VmId CT_SNAP = VmId.of(201);

    @Override
    UnaryOperator<SimulatedCluster.Builder> cluster() {
        return b -> b.container(CT, PVE1, "ct-web").container(CT_SNAP, PVE1, "ct-snap");
    }

    @Test
    void aContainerIsListedConfiguredPoweredAndDestroyedAndItsAddressesFoundOnlineAndOffline() {
        assertTrue(api.containers().list(PVE1).stream().anyMatch(c -> c.vmId().equals(CT)
                && c.status() == VmStatus.STOPPED && c.name().equals("ct-web")));
        assertEquals(new GuestAddresses(List.of(), GuestAddresses.Source.CONFIG), api.containers().addresses(PVE1, CT),
                "a DHCP container that is stopped has no known address");

        ContainerConfig before = api.containers().config(PVE1, CT);
        api.containers().updateConfig(PVE1, CT, ContainerConfigUpdate.builder().hostname("ct-web-2").memoryMiB(1024)
                .nic(0, "eth0", "vmbr0", Ipv4Cidr.parse("ip", "127.0.20.5/24"), Optional.of(Ipv4Address.parse("gw",
                        "127.0.20.1"))).digest(before.digest()).build());
        assertThrows(ConfigChangedException.class, () -> api.containers().updateConfig(PVE1, CT,
                ContainerConfigUpdate.builder().cores(2).digest(before.digest()).build()));
        ContainerConfig after = api.containers().config(PVE1, CT);
        assertEquals(Optional.of("ct-web-2"), after.hostname());
        assertEquals(1024, after.memoryMiB());
        ContainerNic eth0 = after.nics().get("net0");
        assertEquals("eth0", eth0.name());
        assertEquals(Optional.of(Ipv4Cidr.parse("ip", "127.0.20.5/24")), eth0.staticIpv4());
        assertEquals(Optional.of(Ipv4Address.parse("gw", "127.0.20.1")), eth0.gatewayAddress());
        assertTrue(eth0.mac().isPresent(), "Proxmox gives a NIC without hwaddr a MAC");
        assertEquals(new GuestAddresses(List.of("127.0.20.5"), GuestAddresses.Source.CONFIG),
                api.containers().addresses(PVE1, CT));
        VmStateException stopped = assertThrows(VmStateException.class, () -> api.containers().interfaces(PVE1, CT));
        assertTrue(stopped.getMessage().contains("CT 200 not running"), stopped.getMessage());

        await(api.containers().start(PVE1, CT));
        ContainerStatus running = api.containers().status(PVE1, CT);
        assertEquals(VmStatus.RUNNING, running.status());
        assertEquals(1024L << 20, running.maxMem());
        assertEquals(new GuestAddresses(List.of("127.0.20.5"), GuestAddresses.Source.RUNNING),
                api.containers().addresses(PVE1, CT));
        assertTrue(api.containers().interfaces(PVE1, CT).stream().anyMatch(i -> i.name().equals("lo")));
        VmStateException again = assertThrows(VmStateException.class, () -> api.containers().start(PVE1, CT));
        assertTrue(again.getMessage().contains("CT 200 already running"), again.getMessage());

        await(api.containers().suspend(PVE1, CT));
        await(api.containers().resume(PVE1, CT));
        await(api.containers().reboot(PVE1, CT, Optional.of(Duration.ofSeconds(30))));
        await(api.containers().shutdown(PVE1, CT, Optional.of(Duration.ofSeconds(20)), true));
        assertEquals(VmStatus.STOPPED, api.containers().status(PVE1, CT).status());
        assertThrows(VmStateException.class, () -> api.containers().shutdown(PVE1, CT, Optional.empty(), false));

        await(api.containers().start(PVE1, CT));
        VmStateException destroy = assertThrows(VmStateException.class,
                () -> api.containers().delete(PVE1, CT, true, false));
        assertTrue(destroy.getMessage().contains("unable to destroy CT 200 - container is running"),
                destroy.getMessage());
        List<TaskEvent> log = new CopyOnWriteArrayList<>();
        api.tasks().await(api.containers().delete(PVE1, CT, true, true), WAIT, log::add);
        assertTrue(log.stream().anyMatch(e -> e instanceof TaskEvent.LogLine l && l.text().contains("purging CT 200")),
                log.toString());
        assertThrows(VmNotFoundException.class, () -> api.containers().status(PVE1, CT));
        assertTrue(api.cluster().isFree(CT));
    }

    @Test
    void snapshotsOfAVmFormATreeRollBackAndKeepTheirRam() {
        VmId id = api.cluster().nextId();
        await(api.vms().create(PVE1, VmCreateSpec.builder(id).name("snap-" + id).memoryMiB(512)
                .disk(DiskSpec.newDisk("scsi0", "local-lvm", DiskSize.ofGiB(1)))
                .disk(DiskSpec.cdrom("ide2", Optional.of("local:iso/debian-12.iso"))).build()));
        GuestRef vm = GuestRef.vm(PVE1, id);
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        api.snapshots().create(vm, "first", SnapshotOptions.defaults().withDescription("before the upgrade"), WAIT,
                events::add);
        assertTrue(events.stream().anyMatch(e -> e instanceof TaskEvent.LogLine l && l.text().contains("drive-scsi0")),
                "the task log is heard; the CD-ROM with its local ISO is skipped: " + events);
        await(api.vms().start(PVE1, id));
        api.snapshots().create(vm, "second", SnapshotOptions.defaults().withVmState(), WAIT, TaskListener.NONE);

        SnapshotTree tree = api.snapshots().list(vm);
        assertEquals(List.of("first", "second"), tree.snapshots().stream().map(Snapshot::name).toList());
        assertEquals("before the upgrade", tree.find("first").orElseThrow().description());
        assertEquals(Optional.of("first"), tree.find("second").orElseThrow().parent());
        assertTrue(tree.find("second").orElseThrow().vmState());
        assertFalse(tree.find("first").orElseThrow().vmState());
        assertEquals(Optional.of("second"), tree.currentParent());
        assertTrue(tree.running());
        assertEquals(List.of("first", "second"), tree.currentBranch().stream().map(Snapshot::name).toList());

        api.snapshots().rollback(vm, "first", false, WAIT, TaskListener.NONE);
        assertEquals(VmStatus.STOPPED, api.vms().status(PVE1, id).status(), "a rollback stops the running VM");
        api.snapshots().create(vm, "branch", SnapshotOptions.defaults(), WAIT, TaskListener.NONE);
        tree = api.snapshots().list(vm);
        assertEquals(List.of("second", "branch"), tree.children("first").stream().map(Snapshot::name).toList());
        assertEquals(List.of("first"), tree.roots().stream().map(Snapshot::name).toList());

        api.snapshots().rollback(vm, "second", false, WAIT, TaskListener.NONE);
        assertEquals(VmStatus.RUNNING, api.vms().status(PVE1, id).status(), "a snapshot with RAM resumes the VM");
        api.snapshots().rollback(vm, "branch", true, WAIT, TaskListener.NONE);
        assertEquals(VmStatus.RUNNING, api.vms().status(PVE1, id).status(), "start after the rollback");

        TaskFailedException used = assertThrows(TaskFailedException.class,
                () -> api.snapshots().create(vm, "first", SnapshotOptions.defaults(), WAIT, TaskListener.NONE));
        assertTrue(used.getMessage().contains("snapshot name 'first' already used"), used.getMessage());
        api.snapshots().delete(vm, "first", false, WAIT, TaskListener.NONE);
        tree = api.snapshots().list(vm);
        assertEquals(List.of("second", "branch"), tree.roots().stream().map(Snapshot::name).toList(),
                "the children of a deleted snapshot are linked to its parent");
        TaskFailedException missing = assertThrows(TaskFailedException.class,
                () -> api.snapshots().rollback(vm, "gone", false, WAIT, TaskListener.NONE));
        assertTrue(missing.getMessage().contains("snapshot 'gone' does not exist"), missing.getMessage());

        await(api.vms().stop(PVE1, id));
        await(api.vms().delete(PVE1, id, true));
    }

    @Test
    void aDiskOnAStorageWithoutSnapshotsFailsWithProxmoxsText() {
        VmId id = api.cluster().nextId();
        await(api.vms().create(PVE1, VmCreateSpec.builder(id).name("raw-" + id).memoryMiB(512)
                .disk(DiskSpec.newDisk("scsi0", "local", DiskSize.ofGiB(1)).with("format", "raw")).build()));
        TaskFailedException failed = assertThrows(TaskFailedException.class, () -> api.snapshots().create(
                GuestRef.vm(PVE1, id), "nope", SnapshotOptions.defaults(), WAIT, TaskListener.NONE));
        assertTrue(failed.getMessage().contains("snapshot feature is not available"), failed.getMessage());
        assertTrue(api.snapshots().list(GuestRef.vm(PVE1, id)).snapshots().isEmpty());
        await(api.vms().delete(PVE1, id, true));
    }

    @Test
    void containersHaveSnapshotsToo() {
        GuestRef ct = GuestRef.container(PVE1, CT_SNAP);
        api.snapshots().create(ct, "clean", SnapshotOptions.defaults().withDescription("fresh"), WAIT, TaskListener.NONE);
        await(api.containers().start(PVE1, CT_SNAP));
        api.snapshots().rollback(ct, "clean", true, WAIT, TaskListener.NONE);
        assertEquals(VmStatus.RUNNING, api.containers().status(PVE1, CT_SNAP).status());
        SnapshotTree tree = api.snapshots().list(ct);
        assertEquals(Optional.of("clean"), tree.currentParent());
        api.snapshots().delete(ct, "clean", false, WAIT, TaskListener.NONE);
        assertTrue(api.snapshots().list(ct).snapshots().isEmpty());
        await(api.containers().stop(PVE1, CT_SNAP));
    }

    @Test
    void badSnapshotRequestsAreRefusedBeforeAnythingIsSent() {
        GuestRef vm = GuestRef.vm(PVE1, VmId.of(999));
        for (String name : List.of("current", "pending", "1st", "with space", "x", "a".repeat(41), "semi;colon")) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class,
                    () -> api.snapshots().create(vm, name, SnapshotOptions.defaults(), WAIT, TaskListener.NONE));
            assertEquals("snapname", e.field(), name);
        }
        InvalidSpecException ram = assertThrows(InvalidSpecException.class, () -> api.snapshots().create(
                GuestRef.container(PVE1, CT_SNAP), "ram", SnapshotOptions.defaults().withVmState(), WAIT,
                TaskListener.NONE));
        assertEquals("vmstate", ram.field());
    }
}
