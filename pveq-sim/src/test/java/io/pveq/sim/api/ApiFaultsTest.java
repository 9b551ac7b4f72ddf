package io.pveq.sim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimClock;
import io.pveq.sim.SimFault;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Injected faults hit API calls as they hit CLI calls, in the shape Proxmox's API gives them. */
class ApiFaultsTest {

    private final SimClock clock = SimClock.create();
    private final SimulatedCluster cluster = SimulatedCluster.builder().clock(clock)
            .api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO)).build();
    private final ApiTestClient api = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());

    @BeforeEach
    void vm() {
        cluster.transport(NodeName.of("pve1")).run(List.of("qm", "create", "100", "--scsi0", "local-lvm:4"));
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void aLockTimeoutAnswers500WithProxmoxsTextAfterTheLockWait() {
        cluster.faults().onApi("PUT", "/nodes/{node}/qemu/{vmid}/config").times(1).inject(SimFault.lockTimeout());
        Instant before = clock.instant();
        ApiTestClient.Reply reply = api.put("/nodes/pve1/qemu/100/config", "memory", 2048);
        assertEquals(500, reply.status());
        assertEquals("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", reply.reason());
        assertEquals(Duration.ofSeconds(10), Duration.between(before, clock.instant()));
        assertEquals(200, api.put("/nodes/pve1/qemu/100/config", "memory", 2048).status(), "only once");
    }

    @Test
    void cliShapedFaultsHitTheEquivalentApiCall() {
        cluster.faults().on("qm", "set").vm(VmId.of(100)).times(2).inject(SimFault.lockTimeout());
        ApiTestClient.Reply sync = api.put("/nodes/pve1/qemu/100/config", "memory", 2048);
        assertEquals("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", sync.reason());
        String upid = api.post("/nodes/pve1/qemu/100/config", "memory", 2048).data().asText();
        assertEquals("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", api.await(upid));
        cluster.faults().on("qm", "start").times(1).inject(SimFault.fail("start failed: QEMU exited with code 1"));
        String start = api.post("/nodes/pve1/qemu/100/status/start").data().asText();
        assertEquals("start failed: QEMU exited with code 1", api.await(start));
        assertTrue(api.log(start).contains("TASK ERROR: start failed: QEMU exited with code 1"), api.log(start).toString());
        assertEquals("stopped", api.get("/nodes/pve1/qemu/100/status/current").data().path("status").asText());
    }

    @Test
    void aFailingRequestAndADelayedOne() {
        cluster.faults().onApi("GET", "/nodes/{node}/qemu/{vmid}/status/current").times(1)
                .inject(SimFault.fail("VM 100 qmp command 'query-status' failed - got timeout"));
        ApiTestClient.Reply failed = api.get("/nodes/pve1/qemu/100/status/current");
        assertEquals(500, failed.status());
        assertEquals("VM 100 qmp command 'query-status' failed - got timeout", failed.reason());
        cluster.faults().onApi("GET", "/cluster/resources").times(1).inject(SimFault.delay(Duration.ofSeconds(7)));
        Instant before = clock.instant();
        assertEquals(200, api.get("/cluster/resources").status());
        assertEquals(Duration.ofSeconds(7), Duration.between(before, clock.instant()));
    }

    @Test
    void aDroppedConnectionLosesTheAnswerBeforeOrAfterTheWork() {
        // the JDK's HttpClient, unlike HttpURLConnection, does not silently send a POST again
        HttpClient http = HttpClient.newBuilder().sslContext(ApiTestSupport.trusting(cluster.api())).build();
        cluster.faults().onApi("POST", "/nodes/{node}/qemu").times(1).inject(SimFault.connectionDrop(false));
        assertThrows(IOException.class, () -> create(http, 101));
        assertFalse(cluster.vmIds().contains(VmId.of(101)), "nothing was done");
        cluster.faults().onApi("POST", "/nodes/{node}/qemu").times(1).inject(SimFault.connectionDrop(true));
        assertThrows(IOException.class, () -> create(http, 102));
        assertTrue(cluster.vmIds().contains(VmId.of(102)), "the create happened, its answer was lost");
        ApiTestClient.Reply again = api.post("/nodes/pve1/qemu", "vmid", 102);
        assertEquals("unable to create VM 102 - VM 102 already exists on node 'pve1'", again.reason());
    }

    private void create(HttpClient http, int vmid) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(cluster.api().url() + "/api2/json/nodes/pve1/qemu"))
                .header("Authorization", "PVEAPIToken=" + cluster.api().rootToken())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("vmid=" + vmid)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLockedVmAndANodeThatIsDown() {
        cluster.setConfigLock(VmId.of(100), Optional.of("backup"));
        ApiTestClient.Reply config = api.put("/nodes/pve1/qemu/100/config", "memory", 2048);
        assertEquals(500, config.status());
        assertEquals("VM is locked (backup)", config.reason());
        String start = api.post("/nodes/pve1/qemu/100/status/start").data().asText();
        assertEquals("VM is locked (backup)", api.await(start));
        cluster.setNodeOnline(NodeName.of("pve2"), false);
        ApiTestClient.Reply down = api.get("/nodes/pve2/status");
        assertEquals(595, down.status());
        assertEquals("No route to host", down.reason());
        assertTrue(api.get("/cluster/resources", "type", "node").body().contains("\"offline\""));
        cluster.setNodeOnline(NodeName.of("pve3"), false);
        ApiTestClient.Reply noQuorum = api.post("/nodes/pve1/qemu", "vmid", 103);
        assertEquals("cluster not ready - no quorum?", noQuorum.reason());
        cluster.setNodeOnline(NodeName.of("pve1"), false);
        assertThrows(UncheckedIOException.class, () -> api.get("/version"), "the serving node itself is down");
    }
}
