package io.pveq.sim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimClock;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every endpoint the API face serves, driven once with valid requests on PVE 8.4 and 9.1 through a
 * whole VM life: upload and download an image, create with import-from, configure, resize, start,
 * talk to the guest agent, snapshot, template and clone, migrate, destroy; plus cluster, node,
 * storage, task, access and container reads. Every answer is held to the release's schema by the
 * conformance check installed for all tests.
 */
class ApiEndpointsTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZha2VrZXlmb3J0ZXN0aW5nb25seQ pveq@test";

    @ParameterizedTest
    @EnumSource(value = PveRelease.class, names = {"PVE_8_4", "PVE_9_1"})
    void aWholeVmLifeThroughEveryServedEndpoint(PveRelease release) throws Exception {
        SimClock clock = SimClock.create();
        try (SimulatedCluster cluster = SimulatedCluster.builder().release(release).clock(clock)
                .container(VmId.of(200), NodeName.of("pve1"), "ct-one")
                .api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO))
                .rootPassword("secret")
                .build();
             SimImageMirror mirror = SimImageMirror.start()) {
            ApiTestClient api = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());
            reads(api);
            storage(api, mirror);
            String vm = "/nodes/pve1/qemu/100";
            created(api, api.post("/nodes/pve1/qemu", "vmid", 100, "name", "web-01", "memory", 2048, "cores", 2,
                    "agent", 1, "serial0", "socket", "scsihw", "virtio-scsi-single",
                    "scsi0", "local-lvm:0,import-from=local:import/debian-12.qcow2,discard=on",
                    "ide2", "local-lvm:cloudinit", "net0", "virtio,bridge=vmbr0", "ciuser", "debian",
                    "ipconfig0", "ip=127.0.10.100/24,gw=127.0.10.1",
                    "sshkeys", URLEncoder.encode(KEY, StandardCharsets.UTF_8).replace("+", "%20")));
            JsonNode config = ok(api.get(vm + "/config"));
            assertEquals("debian", config.path("ciuser").asText());
            ok(api.put(vm + "/config", "description", "web server", "digest", config.path("digest").asText()));
            assertEquals(500, api.put(vm + "/config", "memory", 4096, "digest", config.path("digest").asText()).status());
            task(api, api.post(vm + "/config", "tags", "web;prod"));
            ok(api.get(vm + "/config", "current", 1));
            task(api, api.put(vm + "/resize", "disk", "scsi0", "size", "+1G"));
            ok(api.get(vm + "/status/current"));
            ok(api.get(vm + "/cloudinit/dump", "type", "user"));
            ok(api.get(vm + "/cloudinit/dump", "type", "network"));
            ok(api.get(vm + "/cloudinit/dump", "type", "meta"));
            ok(api.get(vm + "/cloudinit"));
            ok(api.put(vm + "/cloudinit"));
            ok(api.get(vm + "/rrddata", "timeframe", "hour", "cf", "AVERAGE"));
            task(api, api.post(vm + "/status/start"));
            ApiTestClient.Reply early = api.post(vm + "/agent/ping");
            assertEquals(500, early.status());
            assertEquals("QEMU guest agent is not running", early.reason());
            clock.advance(Duration.ofSeconds(30));
            ok(api.post(vm + "/agent/ping"));
            JsonNode interfaces = ok(api.get(vm + "/agent/network-get-interfaces"));
            assertTrue(interfaces.toString().contains("127.0.10.100"), interfaces.toString());
            int pid = ok(api.post(vm + "/agent/exec", "command", List.of("hostname"))).path("pid").asInt();
            clock.advance(Duration.ofSeconds(1));
            JsonNode exec = ok(api.get(vm + "/agent/exec-status", "pid", pid));
            assertEquals("web-01\n", exec.path("out-data").asText());
            ok(api.get(vm + "/agent/get-fsinfo"));
            ok(api.get(vm + "/agent/get-osinfo"));
            ok(api.get(vm + "/agent/get-host-name"));
            JsonNode vnc = ok(api.post(vm + "/vncproxy", "websocket", 1));
            assertTrue(vnc.path("ticket").asText().startsWith("PVEVNC:"));
            ok(api.post(vm + "/termproxy", "serial", "serial0"));
            task(api, api.post(vm + "/status/suspend"));
            assertEquals("paused", ok(api.get(vm + "/status/current")).path("qmpstatus").asText());
            task(api, api.post(vm + "/status/resume"));
            task(api, api.post(vm + "/status/reboot"));
            task(api, api.post(vm + "/status/reset"));
            task(api, api.post(vm + "/snapshot", "snapname", "before_upgrade", "description", "clean"));
            assertEquals(2, ok(api.get(vm + "/snapshot")).size());
            ok(api.get(vm + "/snapshot/before_upgrade/config"));
            task(api, api.post(vm + "/snapshot/before_upgrade/rollback"));
            task(api, api.delete(vm + "/snapshot/before_upgrade"));
            task(api, api.post(vm + "/status/shutdown", "timeout", 30));
            ok(api.get(vm + "/migrate", "target", "pve2"));
            task(api, api.post(vm + "/migrate", "target", "pve2", "with-local-disks", 1));
            String moved = "/nodes/pve2/qemu/100";
            task(api, api.post(moved + "/template"));
            task(api, api.post(moved + "/clone", "newid", 101, "name", "linked"));
            task(api, api.post(moved + "/clone", "newid", 102, "name", "full", "full", 1));
            task(api, api.post("/nodes/pve2/qemu/101/status/start"));
            task(api, api.post("/nodes/pve2/qemu/101/status/stop"));
            for (String id : List.of("101", "102", "100")) {
                task(api, api.delete("/nodes/pve2/qemu/" + id, "purge", 1));
            }
            tasks(api);
            containers(api);
            ok(api.get("/access/permissions"));
            ok(api.get("/access/permissions", "path", "/vms"));
            ApiTestClient user = new ApiTestClient(cluster.api());
            assertEquals(200, user.login("root@pam", "secret").status());
            ok(user.get("/access/ticket"));
        }
    }

    private static void reads(ApiTestClient api) {
        ok(api.get("/version"));
        ok(api.get("/cluster/status"));
        ok(api.get("/cluster/resources"));
        for (String type : List.of("vm", "node", "storage")) {
            ok(api.get("/cluster/resources", "type", type));
        }
        assertEquals("100", ok(api.get("/cluster/nextid")).asText());
        ok(api.get("/cluster/nextid", "vmid", 150));
        ok(api.get("/nodes"));
        ok(api.get("/nodes/pve1/status"));
        ok(api.get("/nodes/pve1/qemu"));
        ok(api.get("/storage"));
        ok(api.get("/nodes/pve1/storage"));
        ok(api.get("/nodes/pve1/storage", "content", "images"));
        ok(api.get("/nodes/pve1/storage/local/status"));
        ok(api.get("/nodes/pve1/storage/local-lvm/content"));
    }

    private static void storage(ApiTestClient api, SimImageMirror mirror) throws Exception {
        ok(api.put("/storage/local", "content", "images,iso,vztmpl,backup,import,snippets"));
        byte[] image = qcow2(1L << 30);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
        task(api, upload(api, "debian-12.qcow2", image, "sha256", sha256));
        ApiTestClient.Reply mismatch = upload(api, "other.qcow2", image, "sha256", "00" + sha256.substring(2));
        assertEquals("checksum mismatch: got '" + sha256 + "' != expect '00" + sha256.substring(2) + "'",
                api.await(mismatch.data().asText()));
        String path = "debian/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2";
        byte[] served = mirror.file(path);
        String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(served));
        task(api, api.post("/nodes/pve1/storage/local/download-url", "url", mirror.baseUri() + path,
                "content", "import", "filename", "mirror-debian.qcow2", "checksum", sha512,
                "checksum-algorithm", "sha512"));
        JsonNode content = ok(api.get("/nodes/pve1/storage/local/content", "content", "import"));
        assertTrue(content.toString().contains("local:import/debian-12.qcow2"), content.toString());
        assertTrue(content.toString().contains("local:import/mirror-debian.qcow2"), content.toString());
    }

    private static void tasks(ApiTestClient api) {
        JsonNode list = ok(api.get("/nodes/pve2/tasks", "limit", 5));
        assertTrue(list.size() > 0);
        ok(api.get("/nodes/pve1/tasks", "source", "all", "typefilter", "qmcreate"));
        ok(api.get("/cluster/tasks"));
        String upid = list.get(0).path("upid").asText();
        ok(api.get("/nodes/pve2/tasks/" + upid + "/log", "start", 0, "limit", 10));
        String vnc = api.get("/nodes/pve1/tasks", "source", "active", "typefilter", "vncproxy").data().path(0)
                .path("upid").asText();
        if (!vnc.isEmpty()) {
            ok(api.delete("/nodes/pve1/tasks/" + vnc));
        }
    }

    private static void containers(ApiTestClient api) {
        String ct = "/nodes/pve1/lxc/200";
        assertEquals(1, ok(api.get("/nodes/pve1/lxc")).size());
        ok(api.get(ct + "/status/current"));
        ok(api.get(ct + "/config"));
        task(api, api.post(ct + "/status/start"));
        ok(api.get(ct + "/interfaces"));
        task(api, api.post(ct + "/status/shutdown"));
        task(api, api.post(ct + "/status/start"));
        task(api, api.post(ct + "/status/stop"));
    }

    static ApiTestClient.Reply upload(ApiTestClient api, String name, byte[] content, String algorithm,
                                      String checksum) {
        String boundary = "pveq-test-boundary-7d1f";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : Map.of("content", "import", "checksum-algorithm", algorithm,
                "checksum", checksum).entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return api.raw("POST", "/nodes/pve1/storage/local/upload", body.toByteArray(),
                "multipart/form-data; boundary=" + boundary, Map.of());
    }

    static byte[] qcow2(long virtualSize) {
        ByteBuffer header = ByteBuffer.allocate(8192);
        header.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb});
        header.putInt(3);
        header.position(24);
        header.putLong(virtualSize);
        header.position(4096);
        header.put("\r\n--not-the-boundary\r\n".getBytes(StandardCharsets.UTF_8));
        return header.array();
    }

    static JsonNode ok(ApiTestClient.Reply reply) {
        assertEquals(200, reply.status(), reply.reason() + " " + reply.body());
        return reply.data();
    }

    private static void created(ApiTestClient api, ApiTestClient.Reply reply) {
        String upid = ok(reply).asText();
        assertEquals("OK", api.await(upid), String.join("\n", api.log(upid)));
        assertTrue(api.log(upid).stream().anyMatch(l -> l.startsWith("transferred ")), api.log(upid).toString());
    }

    static void task(ApiTestClient api, ApiTestClient.Reply reply) {
        String upid = ok(reply).asText();
        assertTrue(upid.startsWith("UPID:"), upid);
        String exit = api.await(upid);
        assertEquals("OK", exit, String.join("\n", api.log(upid)));
    }
}
