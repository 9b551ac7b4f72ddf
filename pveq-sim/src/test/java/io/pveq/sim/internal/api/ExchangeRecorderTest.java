package io.pveq.sim.internal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApiExchange;
import io.pveq.sim.SimApiObserver;
import io.pveq.sim.testing.ApiConformance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in another process records its exchanges for the test to check: what is written is read
 * back whole (parameters, array parameters, body), and a wrong answer among good ones is found.
 */
class ExchangeRecorderTest {

    @Test
    void recordedExchangesAreHeldToTheSchemaLikeLiveOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("exchanges.jsonl");
        SimApiObserver recorder = ApiTestHook.recorder(file.toString()).orElseThrow();
        recorder.exchanged(new SimApiExchange(PveRelease.PVE_9_1, "GET", "/version", Optional.of("/version"), Map.of(),
                Map.of(), true, "root@pam", 200, "OK",
                "{\"data\":{\"version\":\"9.1.1\",\"release\":\"9.1\",\"repoid\":\"0123456789abcdef\"}}"));
        recorder.exchanged(new SimApiExchange(PveRelease.PVE_8_4, "POST", "/nodes/pve1/qemu/100/agent/exec",
                Optional.of("/nodes/{node}/qemu/{vmid}/agent/exec"), Map.of("node", "pve1", "vmid", "100"),
                Map.of("command", List.of("uname", "-a")), true, "root@pam", 200, "OK", "{\"data\":{\"pid\":7}}"));
        recorder.exchanged(new SimApiExchange(PveRelease.PVE_9_1, "GET", "/nodes/pve1/qemu/100/status/current",
                Optional.of("/nodes/{node}/qemu/{vmid}/status/current"), Map.of("node", "pve1", "vmid", "100"),
                Map.of(), true, "root@pam", 200, "OK", "{\"data\":{\"status\":\"paused\",\"vmid\":100,\"ha\":{}}}"));
        recorder.exchanged(new SimApiExchange(PveRelease.PVE_9_1, "GET", "/nodes/pve1/ceph/status", Optional.empty(),
                Map.of(), Map.of(), false, "root@pam", 501, "Not Implemented", "{\"data\":null}"));

        ApiConformance.Recording recording = ApiConformance.checkRecording(file);

        assertEquals(3, recording.checked(), "the 501 of an unserved path has no schema to meet");
        assertEquals(1, recording.violations().size(), recording.violations().toString());
        assertTrue(recording.violations().get(0).contains("status/current") && recording.violations().get(0)
                .contains("data.status"), recording.violations().get(0));
        assertEquals(4, Files.readAllLines(file).size());
    }

    @Test
    void noVariableNoRecorder() {
        assertTrue(ApiTestHook.recorder(null).isEmpty());
        assertTrue(ApiTestHook.recorder(" ").isEmpty());
    }
}
