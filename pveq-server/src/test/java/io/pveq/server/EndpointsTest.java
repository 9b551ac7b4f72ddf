package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.VmStatus;
import io.pveq.server.fake.FakeProvisioner;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every endpoint of SPEC.md section 3 and the extras, success and error paths, through real HTTP. */
class EndpointsTest {

    private FakeProvisioner fake;
    private ServerFixture s;

    @BeforeEach
    void start() {
        fake = new FakeProvisioner();
        fake.addVm(101, "web-01", VmStatus.RUNNING, "pve1");
        fake.addVm(102, "db-01", VmStatus.STOPPED, "pve2");
        s = new ServerFixture(fake, b -> { });
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private static void assertText(HttpResponse<String> r, int status, String body) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").replace(" ", "").equals("text/plain;charset=utf-8"));
        assertEquals(body, r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = ServerFixture.json(r);
        assertFalse(body.get("success").asBoolean());
        assertEquals(code, body.get("error").asText());
        assertTrue(body.get("message").asText().length() > 3);
    }

    @Test
    void healthAnswersOkAsText() {
        assertText(s.get("/api/health"), 200, "ok");
    }

    @Test
    void listHasSpecShape() {
        HttpResponse<String> r = s.get("/api/vm/list");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = ServerFixture.json(r);
        assertTrue(body.get("success").asBoolean());
        JsonNode vm = body.get("vms").get(0);
        assertEquals(List.of("vmid", "name", "os", "running", "node", "cpu", "disk", "memory", "memory_used"), fields(vm));
        assertEquals(101, vm.get("vmid").asInt());
        assertEquals("ubuntu", vm.get("os").asText());
        assertTrue(vm.get("running").asBoolean());
        JsonNode node = body.get("nodes").get(0);
        assertEquals(List.of("node", "max_cpu", "max_memory", "cpu", "memory", "memory_used", "disk", "running"),
                fields(node));
        assertEquals(0.12, node.get("cpu").asDouble());
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void listReadsTheClusterOnceForCloseRequestsAndShowsOwnChangesAtOnce() {
        s.get("/api/vm/list");
        s.get("/api/vm/list");
        assertEquals(1, fake.commands().stream().filter(c -> c.startsWith("pvesh get /cluster/resources")).count());
        s.post("/api/vm/101/stop", null);
        JsonNode vm = ServerFixture.json(s.get("/api/vm/list")).get("vms").get(0);
        assertFalse(vm.get("running").asBoolean(), "the stop made through this server shows at once");
    }

    @Test
    void listIsGzippedForClientsThatAskAsGoClientsDo() throws Exception {
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(s.uri("/api/vm/list"))
                .header("Accept-Encoding", "gzip").build();
        HttpResponse<byte[]> r = s.http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
        byte[] plain = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body())).readAllBytes();
        assertEquals(ServerFixture.json(s.get("/api/vm/list")), ServerFixture.JSON.readTree(plain));
        assertTrue(s.get("/api/vm/list").headers().firstValue("Content-Encoding").isEmpty(), "plain unless asked");
    }

    @Test
    void statusIsRunningOrStopped() {
        assertText(s.get("/api/vm/101/status"), 200, "running");
        assertText(s.get("/api/vm/102/status"), 200, "stopped");
        assertError(s.get("/api/vm/999/status"), 404, "vm_not_found");
    }

    @Test
    void idMustBeDigitsInRange() {
        for (String bad : List.of("abc", "99", "1000000000", "-101", "101a", "+101", "%20101", "1e3")) {
            HttpResponse<String> r = s.get("/api/vm/" + bad + "/status");
            assertError(r, 400, "invalid_request");
            assertEquals("id", ServerFixture.json(r).get("field").asText(), bad);
        }
        assertTrue(fake.commands().isEmpty());
    }

    @Test
    void stopShutdownAndDestroyAnswerText() {
        assertText(s.post("/api/vm/101/stop", null), 200, "VM 101 stopped");
        assertEquals(VmStatus.STOPPED, fake.peek(101).orElseThrow().status());
        assertText(s.post("/api/vm/102/shutdown", null), 200, "VM 102 shut down");
        assertText(s.post("/api/vm/102/destroy", null), 200, "VM 102 destroyed");
        assertFalse(fake.peek(102).isPresent());
        assertError(s.post("/api/vm/102/destroy", null), 404, "vm_not_found");
        assertError(s.post("/api/vm/555/stop", null), 404, "vm_not_found");
    }

    @Test
    void setEndpointsApplyAndAnswerText() {
        assertText(s.post("/api/vm/101/set/cpu", "{\"cpu\": 4}"), 200, "VM 101 cpu set to 4");
        assertText(s.post("/api/vm/101/set/memory", "{\"memory\": 8192}"), 200, "VM 101 memory set to 8192 MB");
        assertText(s.post("/api/vm/101/set/disk", "{\"disk\": \"10G\"}"), 200, "VM 101 disk grown by 10G to 26G");
        assertEquals(4, fake.peek(101).orElseThrow().cpu());
        assertEquals(8192, fake.peek(101).orElseThrow().memoryMb());
        assertEquals(26, fake.peek(101).orElseThrow().diskGb());
        assertError(s.post("/api/vm/404/set/cpu", "{\"cpu\": 4}"), 404, "vm_not_found");
    }

    @Test
    void rebootOfAStoppedVmIs409AndMigrateStreams() throws Exception {
        assertError(s.post("/api/vm/102/reboot", null), 409, "conflict");
        try (RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/102/set/node", "{\"node\":\"pve3\"}")) {
            assertEquals(200, r.status);
            List<InstallStreamTest.Frame> frames = InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
            assertTrue(frames.get(frames.size() - 1).data().contains("\"vm_id\":102"));
        }
        assertEquals("pve3", fake.peek(102).orElseThrow().node().value());
        try (RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/101/reboot", null)) {
            assertEquals(200, r.status);
            assertTrue(r.body().contains("\"step\":\"rebooting VM\""));
        }
    }

    @Test
    void clusterUnreachableIs503AndOtherFailuresMapToTheirStatus() {
        fake.failInventory(FakeProvisioner.unreachable());
        assertError(s.get("/api/vm/list"), 503, "unavailable");
        assertError(s.get("/api/vm/101/status"), 503, "unavailable");
        fake.failInventory(new io.pveq.core.transport.TransportException("ssh to 127.0.10.11:22: connection refused"));
        assertError(s.get("/api/vm/101/status"), 503, "unavailable");
        fake.failInventory(new io.pveq.core.VmLockedException(io.pveq.core.VmId.of(101), "backup"));
        assertError(s.post("/api/vm/101/stop", null), 409, "locked");
        fake.failInventory(new io.pveq.core.CommandFailedException("pve1", "qm stop 101", 2, "boom"));
        assertError(s.post("/api/vm/101/stop", null), 502, "upstream_failed");
    }

    @Test
    void unknownPathsAre404Json() {
        assertError(s.get("/api/nothing"), 404, "not_found");
        assertError(s.post("/api/vm/101/set/colour", "{}"), 404, "not_found");
    }

    @Test
    void infoOpenApiAndMetricsAreServed() throws Exception {
        assertEquals("test", ServerFixture.json(s.get("/api/info")).get("mode").asText());
        JsonNode api = ServerFixture.json(s.get("/api/openapi.json"));
        assertEquals("3.0.3", api.get("openapi").asText());
        for (String path : List.of("/api/health", "/api/vm/install", "/api/vm/list", "/api/vm/{id}/status",
                "/api/vm/{id}/start", "/api/vm/{id}/stop", "/api/vm/{id}/shutdown", "/api/vm/{id}/reboot",
                "/api/vm/{id}/destroy", "/api/vm/{id}/set/cpu", "/api/vm/{id}/set/memory", "/api/vm/{id}/set/disk",
                "/api/vm/{id}/set/node", "/api/jobs", "/api/jobs/{job}", "/api/jobs/{job}/events",
                "/api/jobs/{job}/cancel")) {
            assertTrue(api.get("paths").has(path), path);
        }
        try (RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\"}")) {
            r.body();
        }
        HttpResponse<String> m = s.get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = m.body();
        assertTrue(text.contains("pveq_jobs_total{kind=\"install\",outcome=\"succeeded\"} 1"), text);
        assertTrue(text.contains("pveq_stage_duration_seconds_count{stage=\"VM creation > creating VM\",outcome=\"success\"} 1"));
        assertTrue(text.contains("pveq_http_requests_total{method=\"GET\",route=\"/api/openapi.json\",status=\"200\"} 1"), text);
        assertTrue(text.contains("# TYPE pveq_command_duration_seconds histogram"));
        assertTrue(text.contains("pveq_allocation_retries_total 0"));
    }

    @Test
    void scriptsAreServedBundledAndNothingElse() {
        HttpResponse<String> r = s.get("/sh/debian_12.sh");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("# >>> pveq:begin lib/common.sh\ncommon_fn() { :; }\n# <<< pveq:end lib/common.sh"));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        for (String bad : List.of("/sh/secret.txt", "/sh/lib/common.sh", "/sh/..%2Fsecret.txt", "/sh/debian_99.sh",
                "/sh/%2e%2e/pom.xml", "/sh/..%2F..%2F..%2Fetc%2Fpasswd", "/sh/debian_12.sh%00")) {
            int status = s.get(bad).statusCode();
            assertTrue(status == 404 || status == 400, bad + " -> " + status);
        }
    }
}
