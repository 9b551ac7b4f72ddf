package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.DiskSize;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.Secret;
import io.pveq.core.SshPublicKey;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmStatus;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimImageMirror;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every call of the client over real HTTPS against the simulator's API face of one release; the
 * subclasses run it for PVE 8.4 and 9.1. Every request is checked against that release's apidata.js.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiContract {

    static final NodeName PVE1 = NodeName.of("pve1");
    static final NodeName PVE2 = NodeName.of("pve2");
    static final Duration WAIT = Duration.ofMinutes(30);
    static final SshPublicKey KEY = SshPublicKey.parse("key",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKeyExampleKey0 deploy@ci");

    SimPeer peer;
    RequestLog log;
    ProxmoxApi api;

    abstract PveRelease release();

    @BeforeAll
    void start() {
        peer = new SimPeer(release());
        log = new RequestLog();
        api = peer.root(log);
    }

    @AfterAll
    void stop() {
        api.close();
        peer.close();
    }

    VmCreateSpec.Builder smallVm(VmId id, String name) {
        return VmCreateSpec.builder(id).name(name).memoryMiB(512).cores(1).osType("l26")
                .scsiHardware("virtio-scsi-single")
                .disk(DiskSpec.newDisk("scsi0", "local-lvm", DiskSize.ofGiB(1)))
                .disk(DiskSpec.cloudInit("ide2", "local-lvm"))
                .nic(NicSpec.virtio(0, "vmbr0"))
                .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", "127.0.10.50/24"),
                        Ipv4Address.parse("gw", "127.0.10.1")))
                .ciUser("deploy").ciPassword(Secret.of("pw")).sshKeys(List.of(KEY)).ciUpgrade(false).agent(true);
    }

    VmId created(NodeName node, VmCreateSpec spec) {
        api.tasks().await(api.vms().create(node, spec), WAIT, TaskListener.NONE);
        return spec.vmId();
    }

    @Test
    void readsVersionClusterNodesAndStorage() {
        PveVersion version = api.version();
        assertEquals(release().major(), version.major());
        ClusterStatus status = api.cluster().status();
        assertTrue(status.quorate());
        assertEquals(3, status.members().size());
        List<NodeSummary> nodes = api.nodes().list();
        assertEquals(3, nodes.size());
        assertTrue(nodes.stream().allMatch(NodeSummary::online));
        NodeStatus pve1 = api.nodes().status(PVE1);
        assertFalse(pve1.cpuFlags().isEmpty());
        assertTrue(pve1.memoryTotal() > 0 && pve1.cpus() > 0, pve1.toString());
        pve1.cpuLevel();
        List<StorageInfo> storages = api.nodes().storages(PVE1);
        assertTrue(storages.stream().anyMatch(s -> s.storage().equals("local-lvm") && s.holdsImages()), storages.toString());
        assertTrue(api.cluster().resources().stream().anyMatch(r -> r instanceof ClusterResource.Node));
        VmId next = api.cluster().nextId();
        assertTrue(api.cluster().isFree(next));
    }

    @Test
    void createsConfiguresPowersResizesMigratesClonesAndDestroysAVm() {
        VmId id = api.cluster().nextId();
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        Upid create = api.vms().create(PVE1, smallVm(id, "life-" + id).build());
        assertEquals("qmcreate", create.type());
        assertEquals(id.toString(), create.id());
        TaskResult created = api.tasks().await(create, WAIT, events::add);
        assertTrue(created.outcome().succeeded());
        assertTrue(events.stream().anyMatch(e -> e instanceof TaskEvent.LogLine), events.toString());
        assertFalse(api.cluster().isFree(id));

        VmConfig config = api.vms().config(PVE1, id);
        assertEquals(Optional.of("life-" + id), config.name());
        assertEquals(List.of(KEY.line()), config.sshKeys());
        assertTrue(config.disks().get("scsi0").storage().orElseThrow().equals("local-lvm"), config.disks().toString());
        assertTrue(config.disks().get("ide2").cloudInit());
        assertEquals("virtio", config.nics().get("net0").model());
        assertEquals(Optional.of("vmbr0"), config.nics().get("net0").bridge());
        assertFalse(config.digest().isEmpty());

        api.vms().updateConfig(PVE1, id, VmConfigUpdate.builder().cores(2).digest(config.digest()).build());
        assertEquals(2, api.vms().config(PVE1, id).cores().getAsInt());
        assertThrows(ConfigChangedException.class, () -> api.vms().updateConfig(PVE1, id,
                VmConfigUpdate.builder().cores(3).digest(config.digest()).build()));

        await(api.vms().start(PVE1, id));
        assertEquals(VmStatus.RUNNING, api.vms().status(PVE1, id).status());
        await(api.vms().suspend(PVE1, id));
        await(api.vms().resume(PVE1, id));
        await(api.vms().reboot(PVE1, id));
        await(api.vms().reset(PVE1, id));
        await(api.vms().shutdown(PVE1, id, Optional.of(Duration.ofSeconds(30)), true));
        assertEquals(VmStatus.STOPPED, api.vms().status(PVE1, id).status());
        await(api.vms().start(PVE1, id));
        await(api.vms().stop(PVE1, id));

        await(api.vms().resize(PVE1, id, "scsi0", DiskSize.ofGiB(2)));
        await(api.vms().grow(PVE1, id, "scsi0", DiskSize.ofGiB(1)));
        assertEquals(Optional.of(DiskSize.ofGiB(3)), api.vms().config(PVE1, id).disks().get("scsi0").size());

        String userData = api.vms().cloudInitDump(PVE1, id, CloudInitSection.USER);
        assertTrue(userData.contains("user: deploy"), userData);
        assertTrue(api.vms().cloudInitDump(PVE1, id, CloudInitSection.NETWORK).contains("127.0.10.50"));

        await(api.vms().migrate(PVE1, id, MigrateSpec.to(PVE2).moveLocalDisks()));
        assertEquals(VmStatus.STOPPED, api.vms().status(PVE2, id).status());
        assertEquals(PVE2, api.cluster().findGuest(id).map(ClusterResource.Guest::node).orElse(PVE2));

        VmId cloneId = api.cluster().nextId();
        await(api.vms().cloneVm(PVE2, id, CloneSpec.of(cloneId, "clone-" + cloneId).fullCopy()));
        await(api.vms().template(PVE2, cloneId));
        assertTrue(api.vms().config(PVE2, cloneId).template());

        await(api.vms().delete(PVE2, cloneId, true));
        await(api.vms().delete(PVE2, id, false));
        assertThrows(VmNotFoundException.class, () -> api.vms().status(PVE2, id));
        assertTrue(api.cluster().isFree(id));
    }

    void await(Upid upid) {
        api.tasks().await(upid, WAIT, TaskListener.NONE);
    }

    @Test
    void uploadsAnImageWithChecksumAndCreatesAVmImportingIt(@TempDir Path dir) throws Exception {
        Path image = dir.resolve("disk.qcow2");
        try (SimImageMirror mirror = SimImageMirror.start()) {
            String path = mirror.paths().stream().filter(p -> p.endsWith(".qcow2")).findFirst().orElseThrow();
            Files.write(image, mirror.file(path));
        }
        List<long[]> progress = new CopyOnWriteArrayList<>();
        String name = "upload-" + release().major() + ".qcow2";
        Upid upload = api.storage().upload(PVE1, "local", UploadSpec.of(image, ContentType.IMPORT, name).hashFirst(),
                (sent, total) -> progress.add(new long[] {sent, total}));
        await(upload);
        assertEquals(Files.size(image), progress.get(progress.size() - 1)[0]);
        List<StorageVolume> imports = api.nodes().content(PVE1, "local", Optional.of("import"));
        assertTrue(imports.stream().anyMatch(v -> v.volid().equals("local:import/" + name)), imports.toString());

        VmId id = api.cluster().nextId();
        List<TaskEvent> events = new CopyOnWriteArrayList<>();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(id).name("imported-" + id).memoryMiB(512)
                .disk(DiskSpec.importFrom("scsi0", "local-lvm", "local:import/" + name))
                .disk(DiskSpec.cloudInit("ide2", "local-lvm")).build()), WAIT, events::add);
        assertTrue(api.vms().config(PVE1, id).disks().containsKey("scsi0"));
        await(api.vms().delete(PVE1, id, false));
    }

    @Test
    void theNodeDownloadsAnImageAndVerifiesItsChecksum() throws Exception {
        try (SimImageMirror mirror = SimImageMirror.start()) {
            String path = mirror.paths().stream().filter(p -> p.endsWith(".qcow2")).findFirst().orElseThrow();
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(mirror.file(path)));
            String name = "download-" + release().major() + ".qcow2";
            Upid download = api.storage().downloadUrl(PVE1, "local", DownloadUrlSpec.of(mirror.baseUri().resolve(path),
                    ContentType.IMPORT, name).checksum(Checksum.sha256(sha)));
            await(download);
            assertTrue(api.nodes().content(PVE1, "local", Optional.empty()).stream()
                    .anyMatch(v -> v.volid().equals("local:import/" + name)));
            mirror.corruptImages(true);
            Upid corrupt = api.storage().downloadUrl(PVE1, "local", DownloadUrlSpec.of(mirror.baseUri().resolve(path),
                    ContentType.IMPORT, "corrupt-" + name).checksum(Checksum.sha256(sha)));
            TaskFailedException failed = assertThrows(TaskFailedException.class, () -> await(corrupt));
            assertTrue(failed.getMessage().toLowerCase(java.util.Locale.ROOT).contains("checksum"), failed.getMessage());
        }
    }

    @Test
    void errorsNameWhatIsWrong() {
        VmId id = created(PVE1, smallVm(api.cluster().nextId(), "err").build());
        VmExistsException exists = assertThrows(VmExistsException.class,
                () -> api.vms().create(PVE2, smallVm(id, "again").build()));
        assertEquals(id, exists.vmId());
        assertEquals("pve1", exists.node());
        assertThrows(VmNotFoundException.class, () -> api.vms().status(PVE1, VmId.of(99_999)));
        ApiParameterException bad = assertThrows(ApiParameterException.class, () -> SchemaCheck.expectingViolation(
                "cores", () -> {
                    api.vms().updateConfig(PVE1, id, VmConfigUpdate.builder().option("cores", "0").build());
                    return null;
                }));
        assertTrue(bad.errors().containsKey("cores"), bad.errors().toString());
        assertEquals("cores", bad.field());
        try (ProxmoxApi alice = peer.alice(new RequestLog())) {
            assertEquals(VmStatus.STOPPED, alice.vms().status(PVE1, id).status());
            VmId other = api.cluster().nextId();
            PermissionDeniedException denied = assertThrows(PermissionDeniedException.class,
                    () -> alice.vms().create(PVE1, smallVm(other, "nope").build()));
            assertEquals(Optional.of("/vms/" + other), denied.aclPath());
            assertEquals(Optional.of("VM.Allocate"), denied.privilege());
        }
        await(api.vms().delete(PVE1, id, false));
    }

    @Test
    void theGuestAgentAnswersOnceTheGuestBootedAndRunsCommandsWithInputOnStdin() {
        VmId id = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(id).name("agent-" + id).memoryMiB(512)
                .nic(NicSpec.virtio(0, "vmbr0").withMac("BC:24:11:00:00:77"))
                .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", "127.0.10.77/24"),
                        Ipv4Address.parse("gw", "127.0.10.1")))
                .agent(true).start(true).build()), WAIT, TaskListener.NONE);
        assertThrows(GuestAgentUnavailableException.class, () -> api.agent().ping(PVE1, id));
        peer.clock.advance(Duration.ofMinutes(10)); // the guest boots and its agent starts
        api.agent().ping(PVE1, id);
        List<GuestInterface> nics = api.agent().networkInterfaces(PVE1, id);
        GuestInterface eth0 = nics.stream().filter(n -> n.name().equals("eth0")).findFirst().orElseThrow();
        assertEquals(Optional.of("bc:24:11:00:00:77"), eth0.mac());
        assertTrue(eth0.addresses().stream().anyMatch(a -> a.address().equals("127.0.10.77") && a.prefix() == 24
                && !a.ipv6()), eth0.toString());
        assertTrue(nics.stream().filter(n -> n.name().equals("lo")).flatMap(n -> n.addresses().stream())
                .allMatch(GuestInterface.Address::local));

        int pid = api.agent().exec(PVE1, id, List.of("cat"), Optional.of(Secret.of("the secret\n")));
        peer.clock.advance(Duration.ofSeconds(30));
        GuestExecStatus cat = api.agent().execStatus(PVE1, id, pid);
        assertTrue(cat.exited());
        assertEquals(0, cat.exitCode().getAsInt());
        assertEquals("the secret\n", cat.stdout());
        int failing = api.agent().exec(PVE1, id, List.of("/bin/false"), Optional.empty());
        peer.clock.advance(Duration.ofSeconds(30));
        assertEquals(1, api.agent().execStatus(PVE1, id, failing).exitCode().getAsInt());

        await(api.vms().stop(PVE1, id));
        await(api.vms().delete(PVE1, id, false));
    }

    @Test
    void anOfflineNodeIsUnavailable() {
        NodeName pve3 = NodeName.of("pve3");
        peer.cluster.setNodeOnline(pve3, false);
        try {
            NodeUnavailableException e = assertThrows(NodeUnavailableException.class, () -> api.nodes().status(pve3));
            assertEquals("pve3", e.node());
        } finally {
            peer.cluster.setNodeOnline(pve3, true);
        }
    }

    @Test
    void everyRequestWasCheckedAgainstTheSchema() {
        api.version();
        assertTrue(SchemaCheck.checked() > 0);
        assertTrue(log.lines().size() > 0);
    }
}
