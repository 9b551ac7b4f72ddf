package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.Stage;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.SimulatedCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real thing: the server over the real provisioner on the simulated 3-node cluster, with the
 * real image cache downloading from the simulator's mirror, through real HTTP.
 */
class SimulatedEndToEndTest {

    private static final SimulatedCluster SIM = SimulatedCluster.builder().speedFactor(20).build();
    private static Backend.Built built;
    private static ServerFixture http;
    private static PveqServer server;

    /** The embedded job store (the default) lives in a folder of this test's own. */
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path dataDir;

    @BeforeAll
    static void start() {
        EnvConfig config = EnvConfig.load(Map.of("BIND_ADDRESS", "127.0.0.1", "PORT", "0", "DATA_DIR",
                dataDir.toString()));
        assertTrue(config.simulated());
        ServerMetrics metrics = new ServerMetrics();
        built = Backend.simulated(config, metrics, SIM);
        http = new ServerFixture(built.provisioner(), metrics, b -> b.sseHeartbeat(Duration.ofSeconds(2)));
        server = http.server;
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        java.nio.file.Path cache = java.nio.file.Path.of((String) built.facts().get("image_cache"));
        for (AutoCloseable c : built.extra()) {
            c.close();
        }
        assertFalse(java.nio.file.Files.exists(cache), "the temporary image cache is removed");
    }

    private static List<InstallStreamTest.Frame> install(String body) throws Exception {
        try (RawHttp r = RawHttp.send(null, server.port(), "POST", "/api/vm/install", body)) {
            assertEquals(200, r.status);
            assertEquals("text/event-stream", r.header("Content-Type"));
            return InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
        }
    }

    private static JsonNode data(InstallStreamTest.Frame f) throws Exception {
        return ServerFixture.JSON.readTree(f.data().substring(6));
    }

    @Test
    void fullInstallStreamMatchesSpecLineByLine() throws Exception {
        List<InstallStreamTest.Frame> frames = install("{\"os\":\"debian\",\"version\":\"12\",\"name\":\"web-01\",\"user\":\"deploy\"}");
        assertEquals("data: {\"step\":\"preparation > checking VMID\",\"status\":\"processing\","
                + "\"message\":\"[*] start VM installation\"}", frames.get(0).data());
        List<String> labels = OperationKind.INSTALL.stages().stream().map(Stage::label).toList();
        int last = 0;
        List<String> stepsSeen = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            InstallStreamTest.Frame f = frames.get(i);
            assertEquals(i, f.id());
            assertTrue(InstallStreamTest.SPEC_LINE.matcher(f.data()).matches(), f.data());
            String step = data(f).get("step").asText();
            int at = labels.indexOf(step);
            assertTrue(at >= last, "stages in SPEC's order: " + step);
            last = at;
            if (!stepsSeen.contains(step)) {
                stepsSeen.add(step);
            }
        }
        for (String required : List.of("preparation > checking VMID", "preparation > assigning IP",
                "VM creation > creating VM", "VM creation > importing disk image", "VM initialization > waiting for ready",
                "VM initialization > SSH initialization", "VM initialization > finalizing")) {
            assertTrue(stepsSeen.contains(required), required + " in " + stepsSeen);
        }
        JsonNode end = data(frames.get(frames.size() - 1));
        assertEquals("success", end.get("status").asText());
        int vmid = end.get("vm_id").asInt();
        assertEquals("127.0.10." + vmid, end.get("ip").asText());
        assertEquals("running", http.get("/api/vm/" + vmid + "/status").body());
        JsonNode list = ServerFixture.json(http.get("/api/vm/list"));
        boolean listed = false;
        for (JsonNode vm : list.get("vms")) {
            listed |= vm.get("vmid").asInt() == vmid && vm.get("name").asText().equals("web-01")
                    && vm.get("os").asText().equals("debian");
        }
        assertTrue(listed, list.toString());
        assertEquals(3, list.get("nodes").size());
    }

    @Test
    void clientDisconnectsMidInstallAndReattachesToTheJob() throws Exception {
        String job;
        int lastId = -1;
        try (RawHttp r = RawHttp.send(null, server.port(), "POST", "/api/vm/install", "{\"os\":\"ubuntu\",\"version\":\"24.04\"}")) {
            job = r.header("X-Job-Id");
            for (InstallStreamTest.Frame f : InstallStreamTest.readFrames(r, 12)) {
                lastId = f.id();
            }
        }
        assertEquals(11, lastId);
        assertEquals("running", ServerFixture.json(http.get("/api/jobs/" + job)).get("job").get("state").asText(),
                "the job goes on without its client");
        try (RawHttp r = RawHttp.send(null, server.port(), "GET", "/api/jobs/" + job + "/events", null,
                "Last-Event-ID: " + lastId)) {
            List<InstallStreamTest.Frame> rest = InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
            for (int i = 0; i < rest.size(); i++) {
                assertEquals(lastId + 1 + i, rest.get(i).id(), "no gap, no duplicate");
            }
            JsonNode end = data(rest.get(rest.size() - 1));
            assertEquals("success", end.get("status").asText());
            assertTrue(end.has("vm_id") && end.has("ip"));
        }
        JsonNode detail = ServerFixture.json(http.get("/api/jobs/" + job));
        assertEquals("succeeded", detail.get("job").get("state").asText());
        assertTrue(detail.get("result").get("ip").asText().startsWith("127.0.10."));
    }

    @Test
    void cancelDuringInstallRollsBackTheVm() throws Exception {
        try (RawHttp r = RawHttp.send(null, server.port(), "POST", "/api/vm/install", "{\"os\":\"rockylinux\",\"version\":\"9\",\"name\":\"gone\"}")) {
            String job = r.header("X-Job-Id");
            int vmid = -1;
            String line;
            while ((line = r.line()) != null) {
                if (line.startsWith("data: ") && line.contains("VM initialization > waiting for ready")) {
                    vmid = ServerFixture.JSON.readTree(line.substring(6)).get("vm_id").asInt();
                    break;
                }
            }
            assertTrue(vmid >= 100);
            assertTrue(built.provisioner().vm(VmId.of(vmid)).isPresent(), "the VM exists before the cancel");
            assertEquals(202, http.post("/api/jobs/" + job + "/cancel", null).statusCode());
            List<InstallStreamTest.Frame> rest = InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
            JsonNode end = data(rest.get(rest.size() - 1));
            assertEquals("error", end.get("status").asText());
            assertTrue(end.get("message").asText().contains("cancelled"), end.toString());
            assertFalse(built.provisioner().vm(VmId.of(vmid)).isPresent(), "rolled back: the VM is gone");
            assertFalse(SIM.vmIds().contains(VmId.of(vmid)), "gone from the simulated cluster itself");
            assertEquals("cancelled", ServerFixture.json(http.get("/api/jobs/" + job)).get("job").get("state").asText());
        }
    }

    @Test
    void lifecycleEndpointsWorkOnTheSimulator() throws Exception {
        int vmid = data(lastOf(install("{\"os\":\"debian\",\"version\":\"13\",\"name\":\"ops\"}"))).get("vm_id").asInt();
        String base = "/api/vm/" + vmid;
        assertEquals("VM " + vmid + " cpu set to 4", http.post(base + "/set/cpu", "{\"cpu\":4}").body());
        assertEquals("VM " + vmid + " memory set to 4096 MB", http.post(base + "/set/memory", "{\"memory\":4096}").body());
        HttpResponse<String> disk = http.post(base + "/set/disk", "{\"disk\":\"4G\"}");
        assertEquals(200, disk.statusCode(), disk.body());
        try (RawHttp r = RawHttp.send(null, server.port(), "POST", base + "/reboot", null)) {
            assertEquals("success", data(lastOf(InstallStreamTest.readFrames(r, Integer.MAX_VALUE))).get("status").asText());
        }
        try (RawHttp r = RawHttp.send(null, server.port(), "POST", base + "/set/node", "{\"node\":\"pve3\"}")) {
            JsonNode end = data(lastOf(InstallStreamTest.readFrames(r, Integer.MAX_VALUE)));
            assertEquals("success", end.get("status").asText(), end.toString());
        }
        assertEquals("VM " + vmid + " stopped", http.post(base + "/stop", null).body());
        assertEquals("stopped", http.get(base + "/status").body());
        try (RawHttp r = RawHttp.send(null, server.port(), "POST", base + "/start", null)) {
            assertEquals("success", data(lastOf(InstallStreamTest.readFrames(r, Integer.MAX_VALUE))).get("status").asText());
        }
        HttpResponse<String> same = http.post(base + "/set/node", "{\"node\":\"pve3\"}");
        assertEquals(400, same.statusCode(), same.body());
        assertEquals("node", ServerFixture.json(same).get("field").asText());
        assertEquals("VM " + vmid + " destroyed", http.post(base + "/destroy", null).body());
        assertEquals(404, http.get(base + "/status").statusCode());
        List<String> kinds = new java.util.ArrayList<>();
        for (JsonNode j : ServerFixture.json(http.get("/api/jobs")).get("jobs")) {
            if (j.path("vm_id").asInt() == vmid) {
                kinds.add(j.get("kind").asText() + " " + j.get("state").asText());
                if (j.get("kind").asText().equals("install")) {
                    break; // this test's install; older jobs of another test may have had the same VMID
                }
            }
        }
        assertEquals(List.of("destroy succeeded", "start succeeded", "stop succeeded", "migrate succeeded",
                "reboot succeeded", "set-disk succeeded", "set-memory succeeded", "set-cpu succeeded",
                "install succeeded"), kinds, "the short calls are jobs too, newest first");
        String stopJob = null;
        for (JsonNode j : ServerFixture.json(http.get("/api/jobs")).get("jobs")) {
            if (j.path("vm_id").asInt() == vmid && j.get("kind").asText().equals("stop")) {
                stopJob = j.get("id").asText();
            }
        }
        try (RawHttp r = RawHttp.send(null, server.port(), "GET", "/api/jobs/" + stopJob + "/events", null)) {
            List<InstallStreamTest.Frame> frames = InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
            assertEquals(3, frames.size());
            assertEquals("stopping VM", data(frames.get(0)).get("step").asText());
            assertTrue(data(lastOf(frames)).get("message").asText().startsWith("[+] VM " + vmid + " stopped in "),
                    frames.toString());
        }
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("pveq_commands_total{node=\"pve1\",command=\"qm create\",outcome=\"ok\"}"), metrics);
    }

    private static InstallStreamTest.Frame lastOf(List<InstallStreamTest.Frame> frames) {
        return frames.get(frames.size() - 1);
    }
}
