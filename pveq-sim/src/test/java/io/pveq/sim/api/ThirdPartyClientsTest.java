package io.pveq.sim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.testing.TestPeer;
import io.pveq.core.transport.CommandResult;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients no one here wrote drive the simulator's REST API over real HTTPS: Debian's
 * {@code python3-proxmoxer} (with a token and with a password ticket, verifying the certificate
 * against the cluster CA) and {@code curl} (with only the token and the certificate fingerprint);
 * the CLI face on the same state agrees with what they did.
 */
class ThirdPartyClientsTest {

    @TempDir
    Path dir;

    @Test
    void proxmoxerWithATokenAndWithATicket() throws Exception {
        TestPeer.PYTHON_REQUESTS.require();
        Path python = TestPeer.PROXMOXER.require();
        try (SimulatedCluster cluster = SimulatedCluster.builder().speedFactor(40).rootPassword("proxmoxer-pw")
                .user("alice@pve", "alice-pw").acl("/", "alice@pve", "PVEAdmin", true).api().build()) {
            Path script = resource("proxmoxer_scenario.py");
            Map<String, String> env = new LinkedHashMap<>(Map.of("PVE_HOST", "127.0.0.1",
                    "PVE_PORT", Integer.toString(cluster.api().url().getPort()),
                    "PVE_CA", cluster.api().caCertificate().toString()));
            env.put("PVE_TOKEN", cluster.api().rootToken());
            env.put("PVE_VMID", "150");
            env.put("PVE_IP", "127.0.10.150");
            env.put("PVE_IMAGE", image("pveq-150.qcow2").toString());
            List<JsonNode> token = steps(run(List.of(python.toString(), script.toString()), env));
            check(token, "150", "127.0.10.150", "pveq-150.qcow2");
            env.remove("PVE_TOKEN");
            env.put("PVE_USER", "alice@pve");
            env.put("PVE_PASSWORD", "alice-pw");
            env.put("PVE_VMID", "151");
            env.put("PVE_IP", "127.0.10.151");
            env.put("PVE_IMAGE", image("pveq-151.qcow2").toString());
            check(steps(run(List.of(python.toString(), script.toString()), env)), "151", "127.0.10.151",
                    "pveq-151.qcow2");
            assertEquals(List.of(), cluster.vmIds(), "both VMs destroyed");
            String tasks = cluster.transport(NodeName.of("pve1")).run(List.of("pvesh", "get", "/nodes/pve1/tasks",
                    "--output-format", "json")).stdout();
            assertTrue(tasks.contains(":qmcreate:150:root@pam!pveq:") && tasks.contains(":qmcreate:151:alice@pve:"),
                    tasks);
        }
    }

    @Test
    void curlWithOnlyTheTokenAndTheFingerprintAndTheCliAgree() throws Exception {
        for (TestPeer peer : List.of(TestPeer.CURL, TestPeer.OPENSSL, TestPeer.JQ)) {
            peer.require();
        }
        try (SimulatedCluster cluster = SimulatedCluster.builder().speedFactor(40).api().build()) {
            Map<String, String> env = new LinkedHashMap<>(Map.of("PVE_URL", cluster.api().url().toString(),
                    "PVE_TOKEN", cluster.api().rootToken(), "PVE_FINGERPRINT", cluster.api().fingerprint(),
                    "PVE_VMID", "160", "PVE_IP", "127.0.10.160",
                    "PVE_IMAGE", image("curl.qcow2").toString()));
            String out = run(List.of("/bin/bash", resource("curl_scenario.sh").toString()), env);
            assertTrue(out.contains("upload local:import/curl-160.qcow2"), out);
            assertTrue(out.contains("create local-lvm:vm-160-disk-0"), out);
            assertTrue(out.contains("agent 127.0.10.160"), out);
            assertTrue(out.contains("snapshot curl_snap,current"), out);
            // the CLI face sees what curl did, and takes over
            CommandResult status = cluster.transport(NodeName.of("pve1")).run(List.of("qm", "status", "160"));
            assertEquals("status: running\n", status.stdout());
            CommandResult snapshots = cluster.transport(NodeName.of("pve1")).run(List.of("qm", "listsnapshot", "160"));
            assertTrue(snapshots.stdout().contains("curl_snap"), snapshots.stdout());
            String config = cluster.transport(NodeName.of("pve1")).run(List.of("qm", "config", "160")).stdout();
            assertTrue(config.contains("scsi0: local-lvm:vm-160-disk-0,size=2G") && config.contains("parent: curl_snap"),
                    config);
            for (List<String> argv : List.of(List.of("qm", "migrate", "160", "pve2", "--online", "--with-local-disks"))) {
                CommandResult r = cluster.transport(NodeName.of("pve1")).run(argv);
                assertEquals(0, r.exitCode(), r.stderr());
            }
            assertEquals(0, cluster.transport(NodeName.of("pve2")).run(List.of("qm", "stop", "160")).exitCode());
            assertEquals(0, cluster.transport(NodeName.of("pve2")).run(List.of("qm", "destroy", "160")).exitCode());
            assertTrue(cluster.vmIds().isEmpty(), "destroyed through the CLI");
        }
    }

    private static void check(List<JsonNode> steps, String vmid, String ip, String image) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        steps.forEach(s -> byName.put(s.path("step").asText(), s));
        assertTrue(byName.get("upload").path("volumes").toString().contains("local:import/" + image), steps.toString());
        assertTrue(byName.get("create").path("transferred").asBoolean(), steps.toString());
        assertEquals("local-lvm:vm-" + vmid + "-disk-0,size=2G", byName.get("create").path("scsi0").asText());
        assertEquals(ip, byName.get("agent").path("addresses").path(0).asText(), steps.toString());
        assertEquals("[\"before_migrate\",\"current\"]", byName.get("snapshot").path("snapshots").toString());
        assertEquals("pve2", byName.get("migrate").path("node").asText());
        assertEquals(500, byName.get("destroy").path("status").asInt());
        assertEquals("Configuration file 'nodes/pve2/qemu-server/" + vmid + ".conf' does not exist",
                byName.get("destroy").path("reason").asText());
    }

    private Path image(String name) throws IOException {
        byte[] header = new byte[4096];
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(header);
        buffer.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb}).putInt(3);
        buffer.position(24);
        buffer.putLong(2L << 30);
        return Files.write(dir.resolve(name), header);
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = ThirdPartyClientsTest.class.getResourceAsStream(name)) {
            Path target = dir.resolve(name);
            Files.write(target, in.readAllBytes());
            return target;
        }
    }

    private String run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command + " did not finish:\n" + Files.readString(out) + Files.readString(err));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + "\n" + stdout + Files.readString(err, StandardCharsets.UTF_8));
        return stdout;
    }

    private static List<JsonNode> steps(String stdout) throws IOException {
        List<JsonNode> steps = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("{")) {
                steps.add(new ObjectMapper().readTree(line));
            }
        }
        return steps;
    }

}
