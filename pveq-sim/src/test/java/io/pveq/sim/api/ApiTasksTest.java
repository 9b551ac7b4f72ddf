package io.pveq.sim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimClock;
import io.pveq.sim.SimulatedCluster;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks: UPIDs, running then stopped on the simulated clock, logs that grow, stop, lists. */
class ApiTasksTest {

    @TempDir
    Path dir;

    private Path image(long virtualSize) throws Exception {
        ByteBuffer header = ByteBuffer.allocate(4096);
        header.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb});
        header.putInt(3);
        header.position(24);
        header.putLong(virtualSize);
        return Files.write(dir.resolve("disk.qcow2"), header.array());
    }

    @Test
    void anImportingCreateRunsThenStopsWithItsProgressInTheLog() throws Exception {
        Path image = image(8L << 30);
        try (SimulatedCluster cluster = SimulatedCluster.builder().speedFactor(10).rootPassword("secret").api().build()) {
            ApiTestClient root = new ApiTestClient(cluster.api());
            root.login("root@pam", "secret");
            String upid = root.post("/nodes/pve1/qemu", "vmid", 100,
                    "scsi0", "local-lvm:0,import-from=" + image).data().asText();
            JsonNode running = root.get("/nodes/pve1/tasks/" + upid + "/status").data();
            assertEquals("running", running.path("status").asText(), running.toString());
            assertFalse(running.has("exitstatus"));
            assertTrue(root.get("/cluster/tasks").body().contains(upid));
            int seen = 0;
            boolean grew = false;
            while (!root.get("/nodes/pve1/tasks/" + upid + "/status").data().path("status").asText().equals("stopped")) {
                int lines = root.log(upid).size();
                grew |= seen > 0 && lines > seen;
                seen = lines;
                Thread.sleep(50);
            }
            assertTrue(grew, "the log grew while the task ran");
            List<String> log = root.log(upid);
            assertTrue(log.contains("transferred 4.0 GiB of 8.0 GiB (50.00%)"), log.toString());
            assertEquals("TASK OK", log.get(log.size() - 1));
            JsonNode paged = root.get("/nodes/pve1/tasks/" + upid + "/log", "start", 2, "limit", 3).json();
            assertEquals(3, paged.path("data").size());
            assertEquals(3, paged.path("data").get(0).path("n").asInt());
            assertEquals(log.size(), paged.path("total").asInt());
        }
    }

    @Test
    void stoppingATaskInterruptsItsOperationWhichCleansUp() throws Exception {
        Path image = image(64L << 30);
        try (SimulatedCluster cluster = SimulatedCluster.builder().speedFactor(10).api().build()) {
            ApiTestClient api = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());
            String upid = api.post("/nodes/pve1/qemu", "vmid", 100, "scsi0", "local-lvm:0,import-from=local:import/x.qcow2")
                    .reason();
            assertEquals("could not get file size of local:import/x.qcow2", upid, "a missing source fails at once");
            cluster.transport(NodeName.of("pve1")).upload(image, "/var/lib/vz/import/big.qcow2",
                    sha256(image), (a, b) -> { });
            String create = api.post("/nodes/pve1/qemu", "vmid", 100, "scsi0", "local-lvm:0,import-from=local:import/big.qcow2")
                    .data().asText();
            while (api.log(create).stream().noneMatch(l -> l.startsWith("transferred 6.4 GiB"))) {
                Thread.sleep(20);
            }
            assertEquals(200, api.delete("/nodes/pve1/tasks/" + create).status());
            assertEquals("unable to create VM 100 - received interrupt", api.await(create));
            assertFalse(cluster.vmIds().contains(VmId.of(100)), "a stopped create leaves nothing behind");
        }
    }

    @Test
    void aNewTaskCanBeInvisibleToItsFirstPollAsOnABusyNode() {
        try (SimulatedCluster cluster = SimulatedCluster.builder().clock(SimClock.create())
                .api(SimApi.Options.defaults().withHiddenTaskPolls(1)).build()) {
            ApiTestClient api = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());
            String upid = api.post("/nodes/pve2/qemu", "vmid", 100).data().asText();
            ApiTestClient.Reply first = api.get("/nodes/pve2/tasks/" + upid + "/status");
            assertEquals(400, first.status());
            assertEquals("no such task", first.json().path("errors").path("upid").asText());
            assertEquals("OK", api.await(upid));
            JsonNode listed = api.get("/nodes/pve2/tasks").data().get(0);
            assertEquals(upid, listed.path("upid").asText());
            assertEquals("root@pam", listed.path("user").asText());
            assertEquals("pveq", listed.path("tokenid").asText());
        }
    }

    @Test
    void aStartThatWarnsEndsWithWarningsAndTheCliStillSucceeds() {
        try (SimulatedCluster cluster = SimulatedCluster.builder().clock(SimClock.create()).api().build()) {
            cluster.transport(NodeName.of("pve1")).run(List.of("qm", "create", "100", "--scsi0", "local-lvm:1,iothread=1"));
            cluster.transport(NodeName.of("pve1")).run(List.of("qm", "create", "101", "--scsi0", "local-lvm:1,iothread=1"));
            ApiTestClient api = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());
            String upid = api.post("/nodes/pve1/qemu/100/status/start").data().asText();
            assertEquals("WARNINGS: 1", api.await(upid));
            List<String> log = api.log(upid);
            assertEquals("WARN: iothread is only valid with virtio disk or virtio-scsi-single controller, ignoring",
                    log.get(0));
            assertEquals("TASK WARNINGS: 1", log.get(log.size() - 1));
            io.pveq.core.transport.CommandResult cli = cluster.transport(NodeName.of("pve1"))
                    .run(List.of("qm", "start", "101"));
            assertEquals(0, cli.exitCode());
            assertTrue(cli.stderr().startsWith("WARN: iothread is only valid"), cli.stderr());
        }
    }

    @Test
    void cliTasksAndApiTasksShareTheTaskList() {
        try (SimulatedCluster cluster = SimulatedCluster.builder().clock(SimClock.create()).api().build()) {
            cluster.transport(NodeName.of("pve1")).run(List.of("qm", "create", "100"));
            ApiTestClient api = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());
            String upid = api.post("/nodes/pve1/qemu/100/status/start").data().asText();
            assertEquals("OK", api.await(upid));
            String cli = cluster.transport(NodeName.of("pve1")).run(List.of("pvesh", "get", "/nodes/pve1/tasks",
                    "--output-format", "json")).stdout();
            assertTrue(cli.contains(upid), cli);
            assertTrue(cli.contains("qmcreate"), cli);
            JsonNode tasks = api.get("/nodes/pve1/tasks").data();
            assertEquals(2, tasks.size(), tasks.toString());
        }
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }
}
