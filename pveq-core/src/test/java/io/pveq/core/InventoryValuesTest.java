package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.transport.LocalCommandTransport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InventoryValuesTest {

    @Test
    void overviewSortsVmsAndNodes() {
        VmInfo b = vm(120, "pve2");
        VmInfo a = vm(101, "pve1");
        NodeInfo n2 = new NodeInfo(NodeName.of("pve2"), true, 16, 65536, 0.1, 0.2, 13107, 0.3);
        NodeInfo n1 = new NodeInfo(NodeName.of("pve1"), false, 32, 131072, 0, 0, 0, 0);
        ClusterOverview o = new ClusterOverview(List.of(b, a), List.of(n2, n1), Instant.EPOCH);
        assertEquals(List.of(a, b), o.vms());
        assertEquals(List.of(n1, n2), o.nodes());
        assertTrue(a.running());
    }

    private static VmInfo vm(int id, String node) {
        return new VmInfo(VmId.of(id), "web-" + id, Optional.of(OsRelease.of("ubuntu", "24.04")), VmStatus.RUNNING,
                NodeName.of(node), 2, 40, 4096, 1024, Set.of("pveq"), Optional.empty());
    }

    @Test
    void nodeUsageIsAFraction() {
        assertEquals(0.25, NodeInfo.fraction(1, 4));
        assertEquals(0, NodeInfo.fraction(5, 0));
        assertEquals(1, NodeInfo.fraction(9, 4));
        assertThrows(IllegalArgumentException.class,
                () -> new NodeInfo(NodeName.of("pve1"), true, 1, 1, 1.5, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new NodeInfo(NodeName.of("pve1"), true, 1, 1, Double.NaN, 0, 0, 0));
    }

    @Test
    void storageHoldsImagesOnlyWhenEnabledActiveAndForImages() {
        assertTrue(new StorageInfo("local-zfs", "zfspool", Set.of("rootdir", "images"), true, true, false, 1, 0, 1)
                .holdsImages());
        assertFalse(new StorageInfo("local", "dir", Set.of("iso", "vztmpl"), true, true, false, 1, 0, 1).holdsImages());
        assertFalse(new StorageInfo("nfs", "nfs", Set.of("images"), false, true, true, 0, 0, 0).holdsImages());
        assertTrue(new StorageInfo("nfs", "nfs", Set.of("images"), false, true, true, 0, 0, 0).fileBased());
    }

    @Test
    void vmStatusReadsProxmoxWordsLeniently() {
        assertEquals(VmStatus.RUNNING, VmStatus.fromProxmox(" Running\n"));
        assertEquals(VmStatus.PAUSED, VmStatus.fromProxmox("paused"));
        assertEquals(VmStatus.UNKNOWN, VmStatus.fromProxmox("io-error"));
        assertEquals(VmStatus.UNKNOWN, VmStatus.fromProxmox(null));
        assertEquals("stopped", VmStatus.STOPPED.label());
    }

    @Test
    void builderNamesWhatIsMissing() {
        try (LocalCommandTransport local = LocalCommandTransport.create()) {
            assertEquals("mainNode", assertThrows(InvalidSpecException.class,
                    () -> CommandLineCluster.builder().build()).field());
            assertEquals("mainNode", assertThrows(InvalidSpecException.class,
                    () -> CommandLineCluster.builder().local(NodeName.of("pve1"), local).mainNode(NodeName.of("pve2"))
                            .build()).field());
            CommandLineCluster cluster = CommandLineCluster.builder().local(NodeName.of("pve1"), local).build();
            assertEquals(NodeName.of("pve1"), cluster.mainNode());
            assertTrue(cluster.nodes().get(NodeName.of("pve1")).local());
            assertEquals("connection", assertThrows(InvalidSpecException.class,
                    () -> VmProvisioner.builder().build()).field());
            assertEquals("images", assertThrows(InvalidSpecException.class,
                    () -> VmProvisioner.builder().connect(cluster).build()).field());
            assertEquals("storage", assertThrows(InvalidSpecException.class,
                    () -> VmProvisioner.builder().connect(cluster).images(new StubImages()).build()).field());
            assertEquals("guests", assertThrows(InvalidSpecException.class,
                    () -> VmProvisioner.builder().connect(cluster).images(new StubImages()).storage("local-lvm")
                            .gateway(Ipv4Address.of("127.0.10.1")).build()).field(),
                    "guests are reached over SSH through commands: a guest access is needed");
            assertEquals("guestAccess", assertThrows(InvalidSpecException.class,
                    () -> VmProvisioner.builder().connect(cluster).images(new StubImages()).storage("local-lvm")
                            .gateway(Ipv4Address.of("127.0.10.1")).guestAccess(GuestAccessMode.AGENT).build()).field(),
                    "the guest agent is reached over the REST API only");
            try (VmProvisioner pveq = VmProvisioner.builder().connect(cluster).images(new StubImages())
                    .guests(new StubGuests()).storage("local-lvm").gateway(Ipv4Address.of("127.0.10.1")).build()) {
                assertEquals("local-lvm", pveq.settings().storage());
                assertEquals(Optional.empty(), pveq.settings().mainNode(), "the connection's main node is used");
                assertEquals(ImagePlacement.AUTO, pveq.settings().imagePlacement());
            }
        }
    }

    private static final class StubImages implements io.pveq.core.image.ImageProvider {
        @Override
        public List<OsRelease> supported() {
            return List.of();
        }

        @Override
        public io.pveq.core.image.ImageSource resolve(OsRelease release) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void validate(io.pveq.core.image.ImageSource source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.pveq.core.image.LocalImage fetch(io.pveq.core.image.ImageSource source, DownloadProgress progress) {
            throw new UnsupportedOperationException();
        }

    }

    private static final class StubGuests implements io.pveq.core.guest.GuestAccess {
        @Override
        public String authorizedKey() {
            return "ssh-ed25519 AAAA";
        }

        @Override
        public void awaitReady(io.pveq.core.guest.GuestEndpoint endpoint, java.time.Duration deadline,
                               ReadinessListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int runScript(io.pveq.core.guest.GuestEndpoint endpoint, io.pveq.core.guest.GuestScript script,
                             java.time.Duration timeout, io.pveq.core.transport.OutputListener output) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reboot(io.pveq.core.guest.GuestEndpoint endpoint) {
            throw new UnsupportedOperationException();
        }
    }
}
