package io.pveq.core.internal.pve;

import io.pveq.core.StorageInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PveshParsersTest {

    private static final String CMD = "pvesh get x";

    @Test
    void recordedNodes() {
        List<ClusterNode> nodes = PveshParsers.nodes(CMD, Samples.read("pve-8.4.14/nodes.json"));
        assertEquals(1, nodes.size());
        ClusterNode n = nodes.get(0);
        assertEquals(NodeName.of("proxmox"), n.node());
        assertTrue(n.online());
        assertEquals(Optional.of(8), n.maxCpu());
        assertEquals(Optional.of(33537990656L), n.maxMem());
        assertEquals(Optional.of("p"), n.level());
    }

    @Test
    void recordedNodeStatus() {
        NodeStatus s = PveshParsers.nodeStatus(CMD, Samples.read("pve-8.4.14/node-status.json"));
        assertTrue(s.cpuFlags().containsAll(Set.of("avx2", "bmi2", "movbe", "aes", "sse4_2", "lahf_lm")));
        assertFalse(s.cpuFlags().contains("avx512f"));
        assertEquals("Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", s.cpuModel());
        assertEquals(8, s.cpus());
        assertEquals(1, s.sockets());
        assertEquals(33537990656L, s.memoryTotal());
        assertEquals(Optional.of(8), s.pveMajor());
        assertEquals(List.of(0.16, 0.10, 0.02), s.loadAverage());
    }

    @Test
    void recordedStorageConfigWithDisableFlag() {
        List<StorageInfo> storages = PveshParsers.storages(CMD, Samples.read("pve-8.4.14/storage.json"));
        StorageInfo local = storages.stream().filter(s -> s.storage().equals("local")).findFirst().orElseThrow();
        assertFalse(local.enabled());
        assertEquals(Set.of("import"), local.content());
        assertTrue(local.fileBased());
        StorageInfo zfs = storages.stream().filter(s -> s.storage().equals("local-zfs")).findFirst().orElseThrow();
        assertTrue(zfs.enabled());
        assertEquals(Set.of("rootdir", "images"), zfs.content());
    }

    @Test
    void nodeStorageWithNumbersAsStringsAndBooleansAsDigits() {
        String json = "[{\"active\":1,\"avail\":\"1306185410\",\"content\":\"images,rootdir\",\"enabled\":\"1\","
                + "\"shared\":0,\"storage\":\"local-zfs\",\"total\":1394081792,\"type\":\"zfspool\",\"used\":87896381,"
                + "\"used_fraction\":0.063},{\"active\":0,\"enabled\":0,\"storage\":\"nfs\",\"type\":\"nfs\","
                + "\"content\":\"iso images\",\"shared\":true}]";
        List<StorageInfo> s = PveshParsers.storages(CMD, json);
        assertEquals(new StorageInfo("local-zfs", "zfspool", Set.of("images", "rootdir"), true, true, false,
                1394081792L, 87896381L, 1306185410L), s.get(0));
        assertTrue(s.get(0).holdsImages());
        assertFalse(s.get(1).holdsImages());
        assertTrue(s.get(1).shared());
        assertEquals(0, s.get(1).totalBytes());
    }

    @Test
    void clusterResourcesWithQemuLxcBrandNewVmAndLooseTypes() {
        String json = "[{\"cpu\":0.0123,\"disk\":0,\"diskread\":1,\"id\":\"qemu/100\",\"maxcpu\":2,\"maxdisk\":"
                + "34359738368,\"maxmem\":\"2147483648\",\"mem\":1073741824,\"name\":\"web-1\",\"node\":\"pve1\","
                + "\"status\":\"running\",\"tags\":\"pveq;web\",\"template\":0,\"type\":\"qemu\",\"uptime\":\"3600\","
                + "\"vmid\":100},"
                + "{\"id\":\"lxc/101\",\"node\":\"pve2\",\"status\":\"stopped\",\"type\":\"lxc\",\"vmid\":\"101\","
                + "\"template\":\"1\",\"lock\":\"backup\",\"pool\":\"prod\",\"hastate\":\"started\"},"
                + "{\"id\":\"qemu/102\",\"node\":\"pve1\",\"status\":\"unknown\",\"type\":\"qemu\",\"vmid\":102},"
                + "{\"id\":\"node/pve1\",\"node\":\"pve1\",\"status\":\"online\",\"type\":\"node\"}]";
        List<ClusterVm> vms = PveshParsers.clusterVms(CMD, json);
        assertEquals(3, vms.size());
        ClusterVm web = vms.get(0);
        assertTrue(web.qemu());
        assertTrue(web.running());
        assertEquals(Optional.of(2147483648L), web.maxMem());
        assertEquals(Optional.of(3600L), web.uptime());
        assertEquals(List.of("pveq", "web"), web.tags());
        assertFalse(web.template());
        ClusterVm ct = vms.get(1);
        assertFalse(ct.qemu());
        assertEquals(VmId.of(101), ct.vmId());
        assertTrue(ct.template());
        assertEquals(Optional.of("backup"), ct.lock());
        assertEquals(Optional.of("started"), ct.haState());
        ClusterVm fresh = vms.get(2);
        assertEquals("unknown", fresh.status());
        assertEquals(Optional.empty(), fresh.name());
        assertEquals(Optional.empty(), fresh.maxMem());
        assertEquals(List.of(), fresh.tags());
    }

    @Test
    void offlineNodeEntriesCarryLittle() {
        String json = "[{\"id\":\"node/pve1\",\"node\":\"pve1\",\"status\":\"online\",\"type\":\"node\",\"cpu\":0.5,"
                + "\"maxcpu\":8,\"level\":\"\"},{\"id\":\"node/pve2\",\"node\":\"pve2\",\"status\":\"offline\","
                + "\"type\":\"node\"}]";
        List<ClusterNode> nodes = PveshParsers.nodes(CMD, json);
        assertTrue(nodes.get(0).online());
        assertFalse(nodes.get(1).online());
        assertEquals(Optional.empty(), nodes.get(0).level(), "an empty level means none");
        assertEquals(Optional.empty(), nodes.get(1).maxCpu());
    }

    @Test
    void nextIdIsAJsonString() {
        assertEquals(VmId.of(100), PveshParsers.nextId(CMD, "\"100\"\n"));
        assertEquals(VmId.of(4242), PveshParsers.nextId(CMD, "4242"));
        assertThrows(UnexpectedOutputException.class, () -> PveshParsers.nextId(CMD, "\"abc\""));
        assertThrows(UnexpectedOutputException.class, () -> PveshParsers.nextId(CMD, ""));
    }

    @Test
    void brokenOrUnexpectedJsonIsAnUnexpectedOutput() {
        assertThrows(UnexpectedOutputException.class, () -> PveshParsers.clusterVms(CMD, "{\"data\":[]}"));
        assertThrows(UnexpectedOutputException.class, () -> PveshParsers.nodes(CMD, "[{\"node\":"));
        assertThrows(UnexpectedOutputException.class, () -> PveshParsers.nodeStatus(CMD, "{\"uptime\":1}"));
        assertThrows(UnexpectedOutputException.class,
                () -> PveshParsers.storages(CMD, "[{\"storage\":\"x\",\"active\":\"maybe\"}]"));
    }
}
