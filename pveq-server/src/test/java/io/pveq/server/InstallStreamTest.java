package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressEvent;
import io.pveq.server.fake.FakeOperation;
import io.pveq.server.fake.FakeProvisioner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The install stream through real HTTP, as curl or a go-pve-qemu client sees it (no Accept header). */
class InstallStreamTest {

    /** SPEC.md's data line: step, status, message, then optional vm_id and ip, nothing else. */
    static final Pattern SPEC_LINE = Pattern.compile(
            "data: \\{\"step\":\"[^\"]+\",\"status\":\"(processing|success|error)\",\"message\":\"(\\\\.|[^\"\\\\])*\""
                    + "(,\"vm_id\":[0-9]+)?(,\"ip\":\"[0-9.]+\")?\\}");

    record Frame(int id, String data) {
    }

    static List<Frame> readFrames(RawHttp r, int max) throws IOException {
        List<Frame> frames = new ArrayList<>();
        Integer id = null;
        String line;
        while (frames.size() < max && (line = r.line()) != null) {
            if (line.startsWith("id: ")) {
                id = Integer.parseInt(line.substring(4));
            } else if (line.startsWith("data: ")) {
                assertNotNull(id, "every data line is preceded by an id line");
                frames.add(new Frame(id, line));
                id = null;
            }
        }
        return frames;
    }

    @Test
    void installStreamsInSpecFormatWithoutAcceptHeader() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = new ServerFixture(fake, b -> { });
             RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install",
                     "{\"os\":\"ubuntu\",\"version\":\"24.04\",\"name\":\"web-01\",\"user\":\"deploy\"}")) {
            assertEquals(200, r.status);
            assertEquals("text/event-stream", r.header("Content-Type"));
            assertEquals("no-cache", r.header("Cache-Control"));
            assertEquals("no", r.header("X-Accel-Buffering"));
            String jobId = r.header("X-Job-Id");
            assertNotNull(jobId, "the job id comes in a header before the stream");
            assertEquals("/api/jobs/" + jobId, r.header("Content-Location"));

            List<Frame> frames = readFrames(r, Integer.MAX_VALUE);
            FakeOperation<?> op = fake.submitted().get(0);
            assertEquals(jobId, op.id().value());
            List<ProgressEvent> log = op.events();
            assertEquals(log.size(), frames.size(), "every event of the job is streamed once");
            assertEquals("data: {\"step\":\"preparation > checking VMID\",\"status\":\"processing\","
                    + "\"message\":\"[*] start VM installation\"}", frames.get(0).data(), "SPEC's first line, byte for byte");
            int lastStage = 0;
            for (int i = 0; i < frames.size(); i++) {
                Frame f = frames.get(i);
                assertEquals(i, f.id(), "ids are the log indexes");
                assertTrue(SPEC_LINE.matcher(f.data()).matches(), "SPEC format: " + f.data());
                JsonNode got = ServerFixture.JSON.readTree(f.data().substring(6));
                assertEquals(ServerFixture.JSON.readTree(log.get(i).toJson()), got, "same content as the core event");
                int stage = OperationKind.INSTALL.stages().indexOf(log.get(i).stage());
                assertTrue(stage >= lastStage, "stages in SPEC's order");
                lastStage = stage;
            }
            JsonNode last = ServerFixture.JSON.readTree(frames.get(frames.size() - 1).data().substring(6));
            assertEquals("success", last.get("status").asText());
            assertEquals("VM initialization > finalizing", last.get("step").asText());
            assertEquals(100, last.get("vm_id").asInt());
            assertEquals("127.0.10.100", last.get("ip").asText());
            assertEquals(null, r.line(), "the response ends after the terminal event");
        }
    }

    @Test
    void messagesWithNewlinesAndQuotesStayOneEscapedDataLine() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = new ServerFixture(fake, b -> { });
             RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\"}")) {
            List<Frame> frames = readFrames(r, Integer.MAX_VALUE);
            JsonNode ip = ServerFixture.JSON.readTree(frames.get(2).data().substring(6));
            assertEquals("preparation > assigning IP", ip.get("step").asText());
            assertTrue(ip.get("message").asText().contains("\n\"quoted\" \\"), "newline, quotes and backslash survive");
        }
    }

    @Test
    void silentStretchesCarryHeartbeatComments() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        fake.holdInstalls();
        try (ServerFixture s = new ServerFixture(fake, b -> b.sseHeartbeat(Duration.ofMillis(50)));
             RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\"}")) {
            String line;
            int heartbeats = 0;
            while ((line = r.line()) != null && heartbeats < 2) {
                if (line.equals(": keep-alive")) {
                    heartbeats++;
                }
            }
            assertEquals(2, heartbeats);
            fake.release();
            List<Frame> rest = readFrames(r, Integer.MAX_VALUE);
            assertTrue(rest.get(rest.size() - 1).data().contains("VM installation completed"));
        }
    }

    @Test
    void browserStyleAcceptHeaderStreamsTheSame() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        fake.addVm(150, "web", io.pveq.core.VmStatus.STOPPED, "pve1");
        try (ServerFixture s = new ServerFixture(fake, b -> { });
             RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/150/start", null, "Accept: text/event-stream")) {
            assertEquals(200, r.status);
            List<Frame> frames = readFrames(r, Integer.MAX_VALUE);
            JsonNode last = ServerFixture.JSON.readTree(frames.get(frames.size() - 1).data().substring(6));
            assertEquals(150, last.get("vm_id").asInt());
            assertEquals("127.0.10.150", last.get("ip").asText());
            assertEquals(List.of("qm config 150", "qm start 150"), fake.commands());
        }
    }
}
