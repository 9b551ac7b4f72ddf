package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.DiskSpec;
import io.pveq.api.IpConfigSpec;
import io.pveq.api.NicSpec;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.TaskListener;
import io.pveq.api.VmCreateSpec;
import io.pveq.core.DiskSize;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimulatedCluster;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The endpoints of issue #17 through real HTTP, on the simulated cluster with its Proxmox API face (the
 * backend's own REST client, every exchange held to the PVE schema): snapshots with their task streams,
 * addresses, lookup, containers, and 100 simultaneous statistics watchers of one VM costing one poll of
 * Proxmox per interval; plus the bad-input table of their fields.
 */
class GuestApiEndpointsTest {

    private static final NodeName PVE1 = NodeName.of("pve1");
    private static final VmId CT = VmId.of(250);
    private static final AtomicLong STATUS_POLLS = new AtomicLong();
    private static volatile String pollPath = "";
    private static SimulatedCluster sim;
    private static Backend.Built built;
    private static ServerFixture http;
    private static ProxmoxApi api;
    private static VmId vm;

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path dataDir;

    @BeforeAll
    static void start() {
        sim = SimulatedCluster.builder().speedFactor(50).container(CT, PVE1, "ct-web")
                .api(SimApi.Options.defaults().withPort(0).withObserver(exchange -> {
                    if (exchange.method().equals("GET") && exchange.path().equals(pollPath)) {
                        STATUS_POLLS.incrementAndGet();
                    }
                })).build();
        EnvConfig config = EnvConfig.load(Map.of("BIND_ADDRESS", "127.0.0.1", "PORT", "0", "DATA_DIR", dataDir.toString()));
        ServerMetrics metrics = new ServerMetrics();
        built = Backend.simulated(config, metrics, sim);
        api = built.api().orElseThrow();
        http = new ServerFixture(built.provisioner(), metrics, b -> b.sseHeartbeat(Duration.ofSeconds(1)), built.api());
        vm = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(vm).name("web-" + vm).memoryMiB(512)
                .disk(DiskSpec.newDisk("scsi0", "local-lvm", DiskSize.ofGiB(1))).nic(NicSpec.virtio(0, "vmbr0"))
                .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", "127.0.40.21/24"),
                        Ipv4Address.parse("gw", "127.0.40.1"))).build()), Duration.ofMinutes(10), TaskListener.NONE);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        for (AutoCloseable c : built.extra()) {
            c.close();
        }
    }

    private static List<JsonNode> stream(String method, String path, String body) throws Exception {
        try (RawHttp r = RawHttp.send(null, http.port(), method, path, body)) {
            assertEquals(200, r.status, path);
            assertEquals("text/event-stream", r.header("Content-Type"));
            List<JsonNode> events = new ArrayList<>();
            for (InstallStreamTest.Frame f : InstallStreamTest.readFrames(r, Integer.MAX_VALUE)) {
                events.add(ServerFixture.JSON.readTree(f.data().substring(6)));
            }
            return events;
        }
    }

    private static HttpResponse<String> delete(String path) {
        return http.send(HttpRequest.newBuilder(http.uri(path)).timeout(Duration.ofSeconds(60)).DELETE().build());
    }

    @Test
    void aSnapshotIsTakenListedRolledBackAndDeletedWithItsTaskStreamed() throws Exception {
        List<JsonNode> taken = stream("POST", "/api/vm/" + vm + "/snapshots",
                "{\"name\":\"before_upgrade\",\"description\":\"nightly\"}");
        assertTrue(taken.stream().anyMatch(e -> e.get("status").asText().equals("processing")
                && e.get("message").asText().contains("drive-scsi0")), taken.toString());
        JsonNode last = taken.get(taken.size() - 1);
        assertEquals("success", last.get("status").asText());
        assertEquals("[+] snapshot 'before_upgrade' of VM " + vm + " taken", last.get("message").asText());
        assertEquals(vm.value(), last.get("vm_id").asInt());

        JsonNode list = ServerFixture.json(http.get("/api/vm/" + vm + "/snapshots"));
        assertEquals("before_upgrade", list.get("snapshots").get(0).get("name").asText());
        assertEquals("nightly", list.get("snapshots").get(0).get("description").asText());
        assertEquals("before_upgrade", list.get("current").get("parent").asText());

        List<JsonNode> rolled = stream("POST", "/api/vm/" + vm + "/snapshots/before_upgrade/rollback", "{\"start\":true}");
        assertEquals("success", rolled.get(rolled.size() - 1).get("status").asText());
        assertEquals("running", http.get("/api/vm/" + vm + "/status").body(), "start after the rollback");

        List<JsonNode> again = stream("POST", "/api/vm/" + vm + "/snapshots", "{\"name\":\"before_upgrade\"}");
        JsonNode failed = again.get(again.size() - 1);
        assertEquals("error", failed.get("status").asText());
        assertTrue(failed.get("message").asText().contains("snapshot name 'before_upgrade' already used"), failed.toString());

        HttpResponse<String> deleted = delete("/api/vm/" + vm + "/snapshots/before_upgrade");
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals("VM " + vm + " snapshot before_upgrade deleted", deleted.body());
        assertEquals(0, ServerFixture.json(http.get("/api/vm/" + vm + "/snapshots")).get("snapshots").size());
        api.tasks().await(api.vms().stop(PVE1, vm), Duration.ofMinutes(5), TaskListener.NONE);
    }

    @Test
    void addressesLookupAndContainers() throws Exception {
        JsonNode ip = ServerFixture.json(http.get("/api/vm/" + vm + "/ip"));
        assertEquals(List.of("127.0.40.21"), List.of(ip.get("addresses").get(0).asText()));
        JsonNode found = ServerFixture.json(http.get("/api/lookup?ip=127.0.40.21"));
        assertEquals(vm.value(), found.get("vm_id").asInt());
        assertEquals("qemu", found.get("type").asText());
        assertEquals("web-" + vm, ServerFixture.json(http.get("/api/lookup?host=web-" + vm + ".lab.example"))
                .get("name").asText());
        assertEquals(404, http.get("/api/lookup?ip=127.0.40.99").statusCode());

        JsonNode cts = ServerFixture.json(http.get("/api/ct/list"));
        assertTrue(cts.get("containers").toString().contains("\"vm_id\":250"), cts.toString());
        HttpResponse<String> started = http.post("/api/ct/250/start", null);
        assertEquals("CT 250 started", started.body());
        HttpResponse<String> twice = http.post("/api/ct/250/start", null);
        assertEquals(409, twice.statusCode(), twice.body());
        assertTrue(twice.body().contains("CT 250 already running"), twice.body());
        assertEquals("CT 250 stopped", http.post("/api/ct/250/stop", null).body());
        assertEquals(404, http.post("/api/ct/" + vm + "/start", null).statusCode(), "a VM is no container");
    }

    @Test
    void aHundredStatsWatchersOfOneVmCostOnePollPerInterval() throws Exception {
        pollPath = "/nodes/pve1/qemu/" + vm + "/status/current";
        STATUS_POLLS.set(0);
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            List<Future<List<InstallStreamTest.Frame>>> watchers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                watchers.add(pool.submit(() -> {
                    try (RawHttp r = RawHttp.send(null, http.port(), "GET", "/api/vm/" + vm + "/stats?interval=300", null)) {
                        assertEquals(200, r.status);
                        return InstallStreamTest.readFrames(r, 4);
                    }
                }));
            }
            int most = 0;
            for (Future<List<InstallStreamTest.Frame>> w : watchers) {
                List<InstallStreamTest.Frame> frames = w.get(60, TimeUnit.SECONDS);
                assertEquals(4, frames.size(), "every watcher is served");
                assertTrue(frames.get(0).data().contains("\"vm_id\":" + vm), frames.get(0).data());
                most = Math.max(most, frames.size());
            }
            Thread.sleep(1000); // the last watcher's poll has ended
            long polls = STATUS_POLLS.get();
            // one poll per interval for all 100: the slowest watcher needs 4 samples, and watchers join
            // within a few intervals; 100 separate pollers would have made at least 400 requests
            assertTrue(polls <= 20, polls + " polls of Proxmox for 100 watchers of 4 samples each");
            Thread.sleep(1000);
            assertEquals(polls, STATUS_POLLS.get(), "polling stops with the last watcher");
        } finally {
            pool.shutdownNow();
        }
        JsonNode nodeSample = ServerFixture.JSON.readTree(nodeStatsFirst().substring(6));
        assertEquals("pve1", nodeSample.get("node").asText());
    }

    private static String nodeStatsFirst() throws Exception {
        try (RawHttp r = RawHttp.send(null, http.port(), "GET", "/api/nodes/pve1/stats?interval=200", null)) {
            return InstallStreamTest.readFrames(r, 1).get(0).data();
        }
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        String[][] table = {
            {"POST", "/api/vm/" + vm + "/snapshots", "{\"name\":\"1st\"}", "400", "name"},
            {"POST", "/api/vm/" + vm + "/snapshots", "{\"name\":\"current\"}", "400", "name"},
            {"POST", "/api/vm/" + vm + "/snapshots", "{}", "400", "name"},
            {"POST", "/api/vm/" + vm + "/snapshots", "{\"name\":\"ok_name\",\"vmstate\":\"yes\"}", "400", "vmstate"},
            {"POST", "/api/vm/" + vm + "/snapshots", "{\"name\":\"ok_name\",\"colour\":1}", "400", "colour"},
            {"POST", "/api/vm/" + vm + "/snapshots", "not json", "400", "body"},
            {"POST", "/api/vm/" + vm + "/snapshots/x!/rollback", "", "400", "name"},
            {"POST", "/api/vm/" + vm + "/snapshots/ok_name/rollback", "{\"start\":1}", "400", "start"},
            {"POST", "/api/vm/abc/snapshots", "{\"name\":\"ok_name\"}", "400", "id"},
            {"GET", "/api/vm/99/snapshots", null, "400", "id"},
            {"GET", "/api/vm/999999/snapshots", null, "404", null},
            {"GET", "/api/vm/" + vm + "/stats?interval=50", null, "400", "interval"},
            {"GET", "/api/vm/" + vm + "/stats?interval=soon", null, "400", "interval"},
            {"GET", "/api/nodes/bad_node!/stats", null, "400", "node"},
            {"GET", "/api/lookup", null, "400", "ip"},
            {"GET", "/api/lookup?ip=127.0.0.1&host=x", null, "400", "host"},
            {"GET", "/api/lookup?ip=web.example", null, "400", "ip"},
            {"GET", "/api/lookup?host=bad%20host", null, "400", "host"},
            {"POST", "/api/ct/12/start", null, "400", "id"},
        };
        for (String[] row : table) {
            HttpRequest.Builder request = HttpRequest.newBuilder(http.uri(row[1])).timeout(Duration.ofSeconds(20));
            request = row[0].equals("GET") ? request.GET() : request.method(row[0], row[2] == null
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(row[2]));
            HttpResponse<String> r = http.send(request.build());
            String what = String.join(" ", row[0], row[1], String.valueOf(row[2])) + " -> " + r.statusCode() + " " + r.body();
            assertEquals(Integer.parseInt(row[3]), r.statusCode(), what);
            JsonNode body = ServerFixture.json(r);
            assertEquals(false, body.get("success").asBoolean(), what);
            if (row[4] != null) {
                assertEquals(row[4], body.path("field").asText(), what);
            }
        }
    }
}
