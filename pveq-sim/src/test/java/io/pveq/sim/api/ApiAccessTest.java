package io.pveq.sim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimClock;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Authentication and privileges as Proxmox computes and reports them. */
class ApiAccessTest {

    private final SimClock clock = SimClock.create();

    private SimulatedCluster.Builder base(PveRelease release) {
        return SimulatedCluster.builder().release(release).clock(clock).rootPassword("secret")
                .api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO));
    }

    @Test
    void aPrivilegeSeparatedTokenHoldsWhatBothItsOwnAclAndItsUserGrant() {
        try (SimulatedCluster cluster = base(PveRelease.PVE_8_4)
                .user("alice@pve", "alice-password")
                .token("alice@pve", "ci", "9b6e0f5e-1111-2222-3333-444455556666", true)
                .role("PveqProvisioner", Set.of("VM.Allocate", "VM.Audit"))
                .acl("/vms", "alice@pve!ci", "PveqProvisioner", true)
                .build()) {
            ApiTestClient token = new ApiTestClient(cluster.api()).token("alice@pve!ci=9b6e0f5e-1111-2222-3333-444455556666");
            ApiTestClient.Reply nothing = token.post("/nodes/pve1/qemu", "vmid", 101);
            assertEquals(403, nothing.status(), nothing.body());
            assertEquals("Permission check failed", nothing.reason());
            assertEquals(0, token.get("/cluster/resources", "type", "vm").data().size());
        }
        try (SimulatedCluster cluster = base(PveRelease.PVE_8_4)
                .user("alice@pve", "alice-password")
                .token("alice@pve", "ci", "9b6e0f5e-1111-2222-3333-444455556666", true)
                .role("PveqProvisioner", Set.of("VM.Allocate", "VM.Audit"))
                .acl("/vms", "alice@pve!ci", "PveqProvisioner", true)
                .acl("/", "alice@pve", "PVEVMAdmin", true)
                .build()) {
            ApiTestClient token = new ApiTestClient(cluster.api()).token("alice@pve!ci=9b6e0f5e-1111-2222-3333-444455556666");
            ApiTestClient.Reply cores = token.post("/nodes/pve1/qemu", "vmid", 101, "cores", 2);
            assertEquals(403, cores.status());
            assertEquals("Permission check failed (/vms/101, VM.Config.CPU)", cores.reason());
            ApiTestClient.Reply bare = token.post("/nodes/pve1/qemu", "vmid", 101);
            assertEquals(200, bare.status(), bare.body());
            assertEquals("OK", token.await(bare.data().asText()));
            ApiTestClient.Reply start = token.post("/nodes/pve1/qemu/101/status/start");
            assertEquals(403, start.status());
            assertEquals("Permission check failed (/vms/101, VM.PowerMgmt)", start.reason());
            ApiTestClient.Reply destroy = token.delete("/nodes/pve1/qemu/101");
            assertEquals(200, destroy.status(), "VM.Allocate on /vms propagates: " + destroy.body());
            JsonNode permissions = token.get("/access/permissions").data();
            assertEquals(Set.of("VM.Allocate", "VM.Audit"), fieldNames(permissions.path("/vms")));
            assertFalse(permissions.has("/"), permissions.toString());
        }
    }

    @Test
    void rootOnlyParametersAreRefusedToTokensEvenRoots() {
        try (SimulatedCluster cluster = base(PveRelease.PVE_9_1).build()) {
            ApiTestClient token = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());
            ApiTestClient.Reply path = token.post("/nodes/pve1/qemu", "vmid", 100,
                    "scsi0", "local-lvm:0,import-from=/var/lib/vz/images/debian.qcow2");
            assertEquals(500, path.status());
            assertEquals("Only root can pass arbitrary filesystem paths.", path.reason());
            ApiTestClient.Reply args = token.post("/nodes/pve1/qemu", "vmid", 100, "args", "-no-reboot");
            assertEquals("only root can set 'args' config", args.reason());
            cluster.transport(NodeName.of("pve1")).run(List.of("qm", "create", "100"));
            ApiTestClient.Reply skiplock = token.post("/nodes/pve1/qemu/100/status/start", "skiplock", 1);
            assertEquals(400, skiplock.status());
            assertEquals("Only root may use this option.", skiplock.data().isNull()
                    ? skiplock.json().path("errors").path("skiplock").asText() : "");
            ApiTestClient root = new ApiTestClient(cluster.api());
            root.login("root@pam", "secret");
            ApiTestClient.Reply asRoot = root.post("/nodes/pve1/qemu/100/status/start", "skiplock", 1);
            assertEquals(200, asRoot.status(), asRoot.body());
            ApiTestClient.Reply argsAsRoot = root.post("/nodes/pve1/qemu", "vmid", 105, "args", "-no-reboot");
            assertEquals(200, argsAsRoot.status(), argsAsRoot.body());
        }
    }

    @Test
    void agentCallsNeedVmMonitorOnPve8AndGuestAgentPrivilegesOnPve9() {
        try (SimulatedCluster cluster = base(PveRelease.PVE_8_4)
                .token("ops@pve", "agent", "secret-8", false)
                .acl("/vms", "ops@pve", "PVEVMUser", true)
                .build()) {
            cluster.transport(NodeName.of("pve1")).run(List.of("qm", "create", "100", "--agent", "1"));
            ApiTestClient.Reply refused = new ApiTestClient(cluster.api()).token("ops@pve!agent=secret-8")
                    .get("/nodes/pve1/qemu/100/agent/network-get-interfaces");
            assertEquals(403, refused.status());
            assertEquals("Permission check failed (/vms/100, VM.Monitor)", refused.reason());
        }
        assertThrows(InvalidSpecException.class, () -> base(PveRelease.PVE_9_1)
                .role("Monitor", Set.of("VM.Monitor")).build(), "PVE 9 has no VM.Monitor");
        try (SimulatedCluster cluster = base(PveRelease.PVE_9_1)
                .token("ops@pve", "agent", "secret-9", false)
                .acl("/vms", "ops@pve", "PVEVMUser", true)
                .build()) {
            cluster.transport(NodeName.of("pve1")).run(List.of("qm", "create", "100", "--agent", "1"));
            ApiTestClient ops = new ApiTestClient(cluster.api()).token("ops@pve!agent=secret-9");
            ApiTestClient.Reply audit = ops.get("/nodes/pve1/qemu/100/agent/network-get-interfaces");
            assertEquals(500, audit.status(), "VM.GuestAgent.Audit passes; the VM is not running: " + audit.body());
            ApiTestClient.Reply exec = ops.post("/nodes/pve1/qemu/100/agent/exec", "command", "id");
            assertEquals(403, exec.status());
            assertEquals("Permission check failed (/vms/100, VM.GuestAgent.Unrestricted)", exec.reason());
        }
    }

    @Test
    void ticketsLastTwoHoursOnTheSimulatedClockAndRenewWithTheOldTicket() {
        try (SimulatedCluster cluster = base(PveRelease.PVE_8_4).build()) {
            ApiTestClient user = new ApiTestClient(cluster.api());
            JsonNode first = user.login("root@pam", "secret").data();
            assertTrue(first.path("ticket").asText().startsWith("PVE:root@pam:"), first.toString());
            assertTrue(first.path("cap").path("vms").has("VM.Allocate"), first.toString());
            clock.advance(Duration.ofMinutes(119));
            assertEquals(200, user.get("/version").status());
            ApiTestClient.Reply renewed = user.send("POST", "/access/ticket",
                    ApiTestClient.map("username", "root@pam", "password", first.path("ticket").asText()));
            assertEquals(200, renewed.status(), renewed.body());
            clock.advance(Duration.ofMinutes(2));
            ApiTestClient.Reply expired = user.get("/version");
            assertEquals(401, expired.status());
            assertEquals("Authentication failed!", expired.reason());
            user.ticket(renewed.data().path("ticket").asText(), renewed.data().path("CSRFPreventionToken").asText());
            assertEquals(200, user.get("/version").status());
        }
    }

    @Test
    void aFailedLoginIsHeldBackThreeSecondsOfSimulatedTime() {
        try (SimulatedCluster cluster = SimulatedCluster.builder().clock(clock).rootPassword("secret").api().build()) {
            Instant before = clock.instant();
            ApiTestClient.Reply refused = new ApiTestClient(cluster.api()).login("root@pam", "guess");
            assertEquals(401, refused.status());
            assertEquals("authentication failure", refused.reason());
            assertEquals(Duration.ofSeconds(3), Duration.between(before, clock.instant()));
            ApiTestClient.Reply badToken = new ApiTestClient(cluster.api()).token("root@pam!pveq=wrong").get("/version");
            assertEquals(401, badToken.status());
            assertEquals("Authentication failed!", badToken.reason());
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
