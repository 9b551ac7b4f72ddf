package io.pveq.sim.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.testing.PveSchema;
import io.pveq.core.testing.SchemaViolation;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApiExchange;
import io.pveq.sim.SimulatedCluster;
import io.pveq.sim.internal.api.ApiTestHook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The conformance check itself: installed for every test, and able to tell a bad answer from a good one. */
class ApiConformanceTest {

    @Test
    void theCheckIsInstalledForEveryTestOfTheSession() {
        assertTrue(ApiTestHook.installed().isPresent(), "ApiConformanceSession did not install the check");
        assertTrue(ApiTestHook.installed().get() instanceof ApiConformance);
    }

    @Test
    void everyAnswerOfARunningApiIsChecked() throws Exception {
        long before = ApiConformance.shared().checked();
        try (SimulatedCluster cluster = SimulatedCluster.builder().api().build()) {
            HttpClient http = HttpClient.newBuilder().sslContext(io.pveq.sim.api.ApiTestSupport.trusting(cluster.api()))
                    .build();
            HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(cluster.api().url()
                    + "/api2/json/version")).header("Authorization", "PVEAPIToken=" + cluster.api().rootToken())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, version.statusCode(), version.body());
        }
        assertTrue(ApiConformance.shared().checked() > before);
    }

    @Test
    void aWrongAnswerAndAnInvalidAcceptedRequestAreViolations() {
        PveSchema schema = PveSchema.load("pve9");
        SimApiExchange badStatus = exchange("GET", "/nodes/pve1/qemu/100/status/current",
                "/nodes/{node}/qemu/{vmid}/status/current", Map.of("node", "pve1", "vmid", "100"),
                "{\"data\":{\"status\":\"paused\",\"vmid\":100,\"ha\":{}}}");
        List<SchemaViolation> status = ApiConformance.check(schema, badStatus);
        assertEquals(1, status.size(), status.toString());
        assertEquals("data.status", status.get(0).parameter());
        SimApiExchange badRequest = exchange("POST", "/nodes/pve1/qemu", "/nodes/{node}/qemu",
                Map.of("node", "pve1", "vmid", "100", "cores", "0"), "{\"data\":\"UPID:pve1:1:1:1:qmcreate:100:root@pam:\"}");
        List<SchemaViolation> request = ApiConformance.check(schema, badRequest);
        assertEquals("cores", request.get(0).parameter(), request.toString());
        SimApiExchange good = exchange("GET", "/version", "/version", Map.of(),
                "{\"data\":{\"version\":\"9.1.1\",\"release\":\"9.1\",\"repoid\":\"0123456789abcdef\"}}");
        assertEquals(List.of(), ApiConformance.check(schema, good));
    }

    private static SimApiExchange exchange(String method, String path, String template, Map<String, String> params,
                                           String body) {
        return new SimApiExchange(PveRelease.PVE_9_1, method, path, Optional.of(template), params, Map.of(), true,
                "root@pam", 200, "OK", body);
    }
}
