package io.pveq.sim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandResult;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimClock;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API face and the CLI face share one state; the basics of auth, routing and tasks. */
class ApiFaceTest {

    private final SimulatedCluster cluster = SimulatedCluster.builder()
            .clock(SimClock.create())
            .api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO))
            .rootPassword("secret")
            .build();
    private final ApiTestClient client = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void aVmCreatedOverTheApiShowsInQmListAndTheOtherWayRound() {
        ApiTestClient.Reply created = client.post("/nodes/pve1/qemu", "vmid", 101, "name", "web", "memory", 1024,
                "scsi0", "local-lvm:8", "net0", "virtio,bridge=vmbr0");
        assertEquals(200, created.status(), created.reason() + " " + created.body());
        String upid = created.data().asText();
        assertTrue(upid.matches("UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:101:root@pam!pveq:"), upid);
        assertEquals("OK", client.await(upid));
        CommandResult list = cluster.transport(NodeName.of("pve1")).run(List.of("qm", "list"));
        assertTrue(list.stdout().contains("web"), list.stdout());
        cluster.transport(NodeName.of("pve2")).run(List.of("qm", "create", "102", "--name", "db"));
        ApiTestClient.Reply vms = client.get("/nodes/pve2/qemu");
        assertEquals("db", vms.data().get(0).path("name").asText(), vms.body());
        ApiTestClient.Reply taken = client.post("/nodes/pve3/qemu", "vmid", 102);
        assertEquals(500, taken.status());
        assertEquals("unable to create VM 102 - VM 102 already exists on node 'pve2'", taken.reason());
    }

    @Test
    void unservedPathsAnswer501AndUnauthenticatedRequests401() {
        ApiTestClient.Reply ceph = client.get("/nodes/pve1/ceph/status");
        assertEquals(501, ceph.status(), ceph.body());
        assertTrue(ceph.reason().contains("not simulated"), ceph.reason());
        ApiTestClient.Reply nothing = client.get("/no/such/path");
        assertEquals(501, nothing.status());
        assertEquals("Method 'GET /no/such/path' not implemented", nothing.reason());
        ApiTestClient.Reply anonymous = new ApiTestClient(cluster.api()).get("/version");
        assertEquals(401, anonymous.status());
        assertEquals("No ticket", anonymous.reason());
    }

    @Test
    void theDateHeaderFollowsTheClusterClock() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .sslContext(cluster.api().trustingSslContext()).build();
        java.net.http.HttpResponse<String> version = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(cluster.api().url() + "/api2/json/version"))
                .header("Authorization", "PVEAPIToken=" + cluster.api().rootToken()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals("Thu, 01 Jan 2026 00:00:00 GMT", version.headers().firstValue("Date").orElse(""));
    }

    @Test
    void ticketLoginNeedsTheCsrfTokenOnWrites() {
        ApiTestClient user = new ApiTestClient(cluster.api());
        assertEquals(401, user.login("root@pam", "wrong").status());
        ApiTestClient.Reply login = user.login("root@pam", "secret");
        assertEquals(200, login.status(), login.body());
        assertEquals("8.4.14", user.get("/version").data().path("version").asText());
        ApiTestClient noCsrf = new ApiTestClient(cluster.api()).ticket(login.data().path("ticket").asText(), null);
        ApiTestClient.Reply refused = noCsrf.post("/nodes/pve1/qemu", "vmid", 103);
        assertEquals(401, refused.status());
        assertEquals("Permission denied - invalid csrf token", refused.reason());
        ApiTestClient.Reply accepted = user.post("/nodes/pve1/qemu", "vmid", 103);
        assertEquals(200, accepted.status(), accepted.body());
    }
}
