package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.transport.CommandResult;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.SimulatedCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A VM locked the way Proxmox locks it ({@code qm set --lock backup} on the simulated node): every
 * change answers 409 naming the lock and sends nothing that would change the VM; {@code force=true}
 * goes through on the documented calls (stop, destroy, set cpu/memory/disk), nowhere else. The real
 * engine over the simulator, through HTTP.
 */
class LockedVmTest {

    private static final Pattern COMMANDS = Pattern.compile("pveq_commands_total\\{node=\"[^\"]+\",command=\"([^\"]+)\""
            + ",outcome=\"[^\"]+\"} ([0-9]+)");
    private static final List<String> CHANGING = List.of("qm set", "qm stop", "qm destroy", "qm resize", "qm migrate",
            "qm shutdown", "qm reboot", "qm start");

    private static final SimulatedCluster SIM = SimulatedCluster.builder().speedFactor(50).build();
    private static Backend.Built built;
    private static ServerFixture http;

    /** The embedded job store (the default) lives in a folder of this test's own. */
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path dataDir;

    @BeforeAll
    static void start() {
        EnvConfig config = EnvConfig.load(Map.of("BIND_ADDRESS", "127.0.0.1", "PORT", "0", "DATA_DIR",
                dataDir.toString()));
        ServerMetrics metrics = new ServerMetrics();
        built = Backend.simulated(config, metrics, SIM);
        http = new ServerFixture(built.provisioner(), metrics, b -> b.sseHeartbeat(Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        for (AutoCloseable c : built.extra()) {
            c.close();
        }
    }

    private static int changingCommands() {
        Matcher m = COMMANDS.matcher(http.get("/metrics").body());
        int n = 0;
        while (m.find()) {
            if (CHANGING.contains(m.group(1))) {
                n += Integer.parseInt(m.group(2));
            }
        }
        return n;
    }

    private static VmId installed() throws Exception {
        HttpResponse<String> r = http.post("/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\"}");
        assertEquals(200, r.statusCode());
        Matcher id = Pattern.compile("\"vm_id\":(\\d+)").matcher(r.body());
        assertTrue(id.find() && r.body().contains("VM installation completed"), r.body());
        return VmId.parse("id", id.group(1));
    }

    private static void lock(VmId id, String lock) {
        String node = built.provisioner().vm(id).orElseThrow().node().value();
        CommandResult r = SIM.transport(NodeName.of(node)).run(List.of("qm", "set", id.toString(), "--lock", lock));
        assertEquals(0, r.exitCode(), r.stderr());
    }

    @Test
    void aBackupLockedVmIsRefusedWith409NamingTheLockAndNothingIsSent() throws Exception {
        VmId id = installed();
        lock(id, "backup");
        int before = changingCommands();
        for (String[] call : List.of(new String[] {"/destroy", null}, new String[] {"/stop", null},
                new String[] {"/set/cpu", "{\"cpu\":4}"}, new String[] {"/set/memory", "{\"memory\":4096}"},
                new String[] {"/set/disk", "{\"disk\":\"2G\"}"}, new String[] {"/set/node", "{\"node\":\"pve2\"}"},
                new String[] {"/reboot", null}, new String[] {"/shutdown", null})) {
            HttpResponse<String> r = http.post("/api/vm/" + id + call[0], call[1]);
            assertEquals(409, r.statusCode(), call[0] + ": " + r.body());
            JsonNode body = ServerFixture.json(r);
            assertEquals("locked", body.get("error").asText(), call[0]);
            assertTrue(body.get("message").asText().contains("is locked (backup)"), body.toString());
        }
        assertEquals(before, changingCommands(), "no command that changes the VM was sent");
        assertEquals("backup", SIM.vmConfig(id).orElseThrow().get("lock"));
    }

    @Test
    void forceGoesThroughOnTheDocumentedCallsOnly() throws Exception {
        VmId id = installed();
        lock(id, "backup");
        assertEquals(400, http.post("/api/vm/" + id + "/set/node?force=true", "{\"node\":\"pve2\"}").statusCode());
        assertEquals(400, http.post("/api/vm/" + id + "/stop?force=maybe", null).statusCode());
        assertEquals(200, http.post("/api/vm/" + id + "/set/cpu?force=true", "{\"cpu\":3}").statusCode());
        assertEquals(200, http.post("/api/vm/" + id + "/set/memory?force=1", "{\"memory\":3072}").statusCode());
        assertEquals(200, http.post("/api/vm/" + id + "/set/disk?force=true", "{\"disk\":\"1G\"}").statusCode());
        assertEquals("3", SIM.vmConfig(id).orElseThrow().get("cores"));
        assertEquals(200, http.post("/api/vm/" + id + "/stop?force=true", null).statusCode());
        assertEquals(200, http.post("/api/vm/" + id + "/destroy?force=true", null).statusCode());
        assertTrue(SIM.vmConfig(id).isEmpty(), "destroyed through the lock");
    }
}
