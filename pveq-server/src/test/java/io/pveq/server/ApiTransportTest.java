package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.Stage;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TRANSPORT=api}: the server drives a cluster through its REST API with nothing but a token and the
 * pinned certificate fingerprint, guests through their agent ({@code GUEST_ACCESS=agent}), no address probe
 * ({@code ADDRESS_PROBE=off}). The cluster is the simulator's API face; every request the server's
 * provisioner sends is held to the schema by the simulator's conformance observer (pveq-sim test-jar).
 */
class ApiTransportTest {

    @TempDir
    Path dir;

    private Map<String, String> env(SimulatedCluster sim, SimImageMirror mirror) {
        Map<String, String> env = new HashMap<>();
        env.put("TRANSPORT", "api");
        env.put("PVE_API_URL", sim.api().url().toString());
        env.put("PVE_API_TOKEN", sim.api().rootToken());
        env.put("PVE_API_FINGERPRINT", sim.api().fingerprint());
        env.put("GATEWAY", "127.0.10.1");
        env.put("ASSIGN_STORAGE", "local-lvm");
        env.put("GUEST_ACCESS", "agent");
        env.put("ADDRESS_PROBE", "off");
        env.put("IMAGE_MIRROR_DEBIAN", mirror.debianBase().toString());
        env.put("IMAGE_CACHE_DIR", dir.resolve("cache").toString());
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("PORT", "0");
        return env;
    }

    @Test
    void installsAndOperatesAVmOverTheApiWithATokenOnly() throws Exception {
        try (SimulatedCluster sim = SimulatedCluster.builder().speedFactor(200)
                .api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO)).build();
             SimImageMirror mirror = SimImageMirror.start()) {
            EnvConfig config = EnvConfig.load(env(sim, mirror));
            assertFalse(config.simulated());
            assertTrue(config.mainNode().isEmpty(), "MAIN_NODE is optional over the API");
            ServerMetrics metrics = new ServerMetrics();
            Backend.Built built = Backend.create(config, metrics);
            assertEquals("api", built.facts().get("mode"));
            assertEquals(List.of(), built.facts().get("access_check"), "root's token lacks nothing");
            try (ServerFixture http = new ServerFixture(built.provisioner(), metrics, b -> { })) {
                List<InstallStreamTest.Frame> frames;
                try (RawHttp r = RawHttp.send(null, http.server.port(), "POST", "/api/vm/install",
                        "{\"os\":\"debian\",\"version\":\"12\",\"name\":\"over-api\"}")) {
                    assertEquals(200, r.status);
                    frames = InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
                }
                List<String> labels = OperationKind.INSTALL.stages().stream().map(Stage::label).toList();
                int last = 0;
                for (InstallStreamTest.Frame f : frames) {
                    assertTrue(InstallStreamTest.SPEC_LINE.matcher(f.data()).matches(), f.data());
                    int at = labels.indexOf(data(f).get("step").asText());
                    assertTrue(at >= last, "stages in SPEC's order: " + f.data());
                    last = at;
                }
                JsonNode end = data(frames.get(frames.size() - 1));
                assertEquals("success", end.get("status").asText(), end.toString());
                int vmid = end.get("vm_id").asInt();
                assertEquals("127.0.10." + vmid, end.get("ip").asText());
                assertTrue(sim.vmIds().contains(VmId.of(vmid)), "the VM exists in the cluster");
                assertEquals("0", sim.vmConfig(VmId.of(vmid)).orElseThrow().get("ciupgrade"),
                        "no first-boot upgrade unless asked");

                String base = "/api/vm/" + vmid;
                assertEquals("running", http.get(base + "/status").body());
                assertEquals("VM " + vmid + " cpu set to 4", http.post(base + "/set/cpu", "{\"cpu\":4}").body());
                assertEquals("VM " + vmid + " memory set to 4096 MB",
                        http.post(base + "/set/memory", "{\"memory\":4096}").body());
                assertEquals(200, http.post(base + "/set/disk", "{\"disk\":\"4G\"}").statusCode());
                try (RawHttp r = RawHttp.send(null, http.server.port(), "POST", base + "/set/node", "{\"node\":\"pve2\"}")) {
                    JsonNode moved = data(last(InstallStreamTest.readFrames(r, Integer.MAX_VALUE)));
                    assertEquals("success", moved.get("status").asText(), moved.toString());
                }
                assertEquals("VM " + vmid + " stopped", http.post(base + "/stop", null).body());
                assertEquals("stopped", http.get(base + "/status").body());
                assertEquals("VM " + vmid + " destroyed", http.post(base + "/destroy", null).body());
                assertFalse(sim.vmIds().contains(VmId.of(vmid)), "gone from the cluster");
                String counted = http.get("/metrics").body();
                assertTrue(counted.contains("command=\"POST /nodes/{node}/qemu\",outcome=\"ok\""), counted);
            } finally {
                for (AutoCloseable c : built.extra()) {
                    c.close();
                }
            }
        }
    }

    @Test
    void apiTransportNamesWhatIsMissing() throws Exception {
        try (SimulatedCluster sim = SimulatedCluster.builder().instant().api(SimApi.Options.defaults()
                .withAuthFailureDelay(Duration.ZERO)).build();
             SimImageMirror mirror = SimImageMirror.start()) {
            Map<String, String> env = env(sim, mirror);
            env.remove("PVE_API_FINGERPRINT");
            assertEquals("PVE_API_FINGERPRINT", assertThrows(InvalidSpecException.class, () -> EnvConfig.load(env)).field());
            env.put("PVE_API_FINGERPRINT", sim.api().fingerprint());
            env.remove("PVE_API_TOKEN");
            assertEquals("PVE_API_TOKEN", assertThrows(InvalidSpecException.class, () -> EnvConfig.load(env)).field());
            env.put("PVE_API_TOKEN", "not-a-token");
            assertEquals("PVE_API_TOKEN", assertThrows(InvalidSpecException.class, () -> EnvConfig.load(env)).field());
            env.put("PVE_API_TOKEN", sim.api().rootToken());
            env.put("ADDRESS_PROBE", "sometimes");
            assertEquals("ADDRESS_PROBE", assertThrows(InvalidSpecException.class, () -> EnvConfig.load(env)).field());
            env.put("ADDRESS_PROBE", "off");
            env.put("GUEST_ACCESS", "telepathy");
            assertEquals("GUEST_ACCESS", assertThrows(InvalidSpecException.class, () -> EnvConfig.load(env)).field());
            env.put("GUEST_ACCESS", "agent");
            env.put("TRANSPORT", "ssh");
            assertEquals("MAIN_NODE", assertThrows(InvalidSpecException.class, () -> EnvConfig.load(env)).field(),
                    "only the API discovers the nodes");
        }
    }

    private static JsonNode data(InstallStreamTest.Frame f) throws Exception {
        return ServerFixture.JSON.readTree(f.data().substring(6));
    }

    private static InstallStreamTest.Frame last(List<InstallStreamTest.Frame> frames) {
        return frames.get(frames.size() - 1);
    }
}
