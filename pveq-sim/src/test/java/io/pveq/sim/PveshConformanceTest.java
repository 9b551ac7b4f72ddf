package io.pveq.sim;

import static io.pveq.sim.SimTesting.PVE1;
import static io.pveq.sim.SimTesting.PVE2;
import static io.pveq.sim.SimTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.transport.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pvesh get JSON (field names, types, sorted keys, refresh lag) and the pvesm status table. */
class PveshConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(CommandResult result) throws Exception {
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(1, result.stdout().lines().count(), "one line");
        return JSON.readTree(result.stdout());
    }

    private static void assertSortedKeys(JsonNode node) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            assertEquals(keys.stream().sorted().toList(), keys);
            node.elements().forEachRemaining(PveshConformanceTest::assertSortedKeys);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(PveshConformanceTest::assertSortedKeys);
        }
    }

    @Test
    void clusterResourcesHasQemuAndLxcWithProxmoxTypesAndLagsForNewVms() throws Exception {
        SimClock clock = SimClock.create();
        try (SimulatedCluster cluster = SimulatedCluster.builder().clock(clock)
                .container(io.pveq.core.VmId.of(200), PVE2, "ct").build()) {
            run(cluster, PVE1, "qm", "create", "100", "--name", "web", "--memory", "1024", "--tags", "a;b");
            JsonNode fresh = json(run(cluster, PVE1, "pvesh", "get", "/cluster/resources", "--type", "vm",
                    "--output-format", "json"));
            JsonNode vm = find(fresh, "qemu/100");
            assertEquals("unknown", vm.get("status").asText());
            assertFalse(vm.has("name"), "a brand-new VM shows only id, vmid, node, type and status");
            clock.advance(Duration.ofSeconds(11));
            JsonNode later = json(run(cluster, PVE1, "pvesh", "get", "/cluster/resources", "--type", "vm",
                    "--output-format", "json"));
            assertSortedKeys(later);
            vm = find(later, "qemu/100");
            assertEquals("stopped", vm.get("status").asText());
            assertEquals("web", vm.get("name").asText());
            assertTrue(vm.get("vmid").isInt() && vm.get("maxmem").isNumber() && vm.get("template").isInt());
            assertEquals(0, vm.get("disk").asInt());
            assertEquals("a;b", vm.get("tags").asText());
            assertEquals("pve1", vm.get("node").asText());
            assertEquals("lxc", find(later, "lxc/200").get("type").asText());
        }
    }

    @Test
    void nodesResourcesAndNodeStatus() throws Exception {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            cluster.setNodeOnline(SimTesting.PVE3, false);
            JsonNode nodes = json(run(cluster, PVE1, "pvesh", "get", "/cluster/resources", "--type", "node",
                    "--output-format", "json"));
            assertEquals("online", find(nodes, "node/pve1").get("status").asText());
            assertEquals("offline", find(nodes, "node/pve3").get("status").asText());
            assertTrue(find(nodes, "node/pve1").get("maxcpu").isInt());
            JsonNode status = json(run(cluster, PVE1, "pvesh", "get", "/nodes/pve2/status", "--output-format", "json"));
            assertSortedKeys(status);
            assertTrue(status.at("/cpuinfo/flags").asText().contains(" avx2 "));
            assertTrue(status.get("pveversion").asText().startsWith("pve-manager/8.4.14/"));
            assertTrue(status.get("loadavg").get(0).isTextual());
            assertTrue(status.at("/memory/total").isNumber());
        }
    }

    @Test
    void nextidIsAStringAndDoesNotReserve() throws Exception {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            run(cluster, PVE2, "qm", "create", "100");
            JsonNode first = json(run(cluster, PVE1, "pvesh", "get", "/cluster/nextid", "--output-format", "json"));
            assertTrue(first.isTextual());
            assertEquals("101", first.asText());
            assertEquals("101", json(run(cluster, PVE1, "pvesh", "get", "/cluster/nextid", "--output-format",
                    "json")).asText());
        }
    }

    @Test
    void storageListAndVmConfig() throws Exception {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            run(cluster, PVE1, "qm", "create", "100", "--scsi0", "local-lvm:32", "--cores", "2", "--cipassword", "x");
            JsonNode storages = json(run(cluster, PVE1, "pvesh", "get", "/nodes/pve1/storage", "--content", "images",
                    "--output-format", "json"));
            JsonNode lvm = null;
            for (JsonNode s : storages) {
                if (s.get("storage").asText().equals("local-lvm")) {
                    lvm = s;
                }
            }
            assertEquals("lvmthin", lvm.get("type").asText());
            assertEquals(1, lvm.get("active").asInt());
            assertEquals(32L << 30, lvm.get("used").asLong());
            assertEquals(lvm.get("total").asLong() - lvm.get("used").asLong(), lvm.get("avail").asLong());
            JsonNode config = json(run(cluster, PVE1, "pvesh", "get", "/nodes/pve1/qemu/100/config", "--output-format",
                    "json"));
            assertEquals(2, config.get("cores").asInt());
            assertTrue(config.get("cores").isNumber());
            assertEquals("**********", config.get("cipassword").asText());
            assertTrue(config.has("digest"));
            JsonNode current = json(run(cluster, PVE1, "pvesh", "get", "/nodes/pve1/qemu/100/status/current",
                    "--output-format", "json"));
            assertEquals("stopped", current.get("status").asText());
        }
    }

    @Test
    void taskCommandsLeaveTasksWithUpidsAndExitStatus() throws Exception {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            run(cluster, PVE1, "qm", "create", "100");
            run(cluster, PVE1, "qm", "start", "100");
            run(cluster, PVE1, "qm", "start", "100");
            JsonNode tasks = json(run(cluster, PVE1, "pvesh", "get", "/nodes/pve1/tasks", "--vmid", "100",
                    "--output-format", "json"));
            assertEquals(3, tasks.size());
            JsonNode failed = tasks.get(0);
            assertEquals("qmstart", failed.get("type").asText());
            assertEquals("VM 100 already running", failed.get("status").asText());
            assertEquals("OK", tasks.get(1).get("status").asText());
            assertEquals("qmcreate", tasks.get(2).get("type").asText());
            String upid = tasks.get(1).get("upid").asText();
            assertTrue(upid.matches("UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmstart:100:root@pam:"), upid);
            JsonNode status = json(run(cluster, PVE1, "pvesh", "get", "/nodes/pve1/tasks/" + upid + "/status",
                    "--output-format", "json"));
            assertEquals("stopped", status.get("status").asText());
            assertEquals("OK", status.get("exitstatus").asText());
        }
    }

    @Test
    void unknownPathIsExitOne() {
        try (SimulatedCluster cluster = SimTesting.cluster()) {
            CommandResult result = run(cluster, PVE1, "pvesh", "get", "/nothing/here");
            assertEquals(1, result.exitCode());
            assertEquals("No 'get' handler defined for '/nothing/here'\n", result.stderr());
        }
    }

    @Test
    void pvesmStatusTableHasRightAlignedColumnsInKib() {
        try (SimulatedCluster cluster = SimulatedCluster.builder().clock(SimClock.create())
                .storage(SimStorage.dir("local", 1L << 30).disabled())
                .storage(SimStorage.zfsPool("local-zfs", 1394081792L * 1024))
                .storage(SimStorage.dir("usb-storage-01", 30246892L * 1024)).build()) {
            String table = run(cluster, PVE1, "pvesm", "status").stdout();
            String[] lines = table.split("\n");
            assertEquals("Name                  Type     Status           Total            Used       Available        %",
                    lines[0]);
            assertEquals("local                  dir   disabled               0               0               0      N/A",
                    lines[1]);
            assertEquals("local-zfs          zfspool     active      1394081792               0      1394081792    0.00%",
                    lines[2]);
        }
    }

    private static JsonNode find(JsonNode list, String id) {
        for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
            JsonNode entry = it.next();
            if (entry.get("id").asText().equals(id)) {
                return entry;
            }
        }
        throw new AssertionError(id + " not in " + list);
    }
}
