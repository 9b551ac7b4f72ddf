package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server killed with SIGKILL (a JVM of its own) at each install stage from "creating VM" to
 * "rebooting VM", and during a migration, then started again on the same state (the embedded job store
 * in DATA_DIR, the simulated cluster in SIM_STATE_DIR): the job is listed as failed with the restart
 * reason, its event stream (re-attached with Last-Event-ID) ends with that final event, and no VM of an
 * interrupted install is left on the cluster; the migrated VM is still there, once.
 */
class RestartRecoveryIT {

    private static final List<String> STAGES = List.of("VM creation > creating VM", "VM creation > importing disk image",
            "VM initialization > initializing configuration", "VM initialization > migrating VM",
            "VM initialization > waiting for ready", "VM initialization > SSH initialization",
            "VM initialization > rebooting VM");
    private static final String REASON = "interrupted by a restart of the server";

    @TempDir
    Path dir;

    private Map<String, String> env() {
        return Map.of("DATA_DIR", dir.resolve("data").toString(), "SIM_STATE_DIR", dir.resolve("sim").toString(),
                "IMAGE_CACHE_DIR", dir.resolve("images").toString(), "SIM_SPEED", "4");
    }

    @Test
    void aJobKilledAtAnyStageIsRolledBackAndEndedHonestlyAfterTheRestart() throws Exception {
        assumeTrue(Files.isRegularFile(ServerProcess.JAR), "the jar is built in the package phase");
        ServerProcess server = ServerProcess.start(dir, "server-0", env());
        List<String> report = new ArrayList<>();
        try {
            for (int i = 0; i < STAGES.size(); i++) {
                String stage = STAGES.get(i);
                String[] job = server.postAndFollow("/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\"}",
                        data -> data.contains("\"step\":\"" + stage + "\",\"status\":\"processing\""));
                server.kill();
                server = ServerProcess.start(dir, "server-" + (i + 1), env());
                JsonNode failed = awaitFinished(server, job[0]);
                assertEquals("failed", failed.path("job").path("state").asText(), stage + ": " + failed);
                String message = failed.path("job").path("message").asText();
                assertTrue(message.startsWith("[-] failed: " + REASON), stage + ": " + message);
                int vmId = failed.path("job").path("vm_id").asInt();
                assertTrue(vmId >= 100, stage + ": the job knew its VM: " + failed);
                assertFalse(vmIds(server).contains(vmId), stage + ": VM " + vmId + " is left on the cluster: "
                        + server.json("/api/vm/list"));
                assertStreamEndsWith(server, job, REASON);
                report.add(stage + ": " + message);
            }
            // and a migration killed while qm migrate runs
            String[] installed = server.postAndFollow("/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\"}",
                    data -> data.contains("\"status\":\"success\",\"message\":\"[+] VM installation completed"));
            int vmId = server.json("/api/jobs/" + installed[0]).path("job").path("vm_id").asInt();
            String[] migration = server.postAndFollow("/api/vm/" + vmId + "/set/node", "{\"node\":\"pve2\"}",
                    data -> data.contains("\"step\":\"migrating VM\",\"status\":\"processing\""));
            server.kill();
            server = ServerProcess.start(dir, "server-migrate", env());
            JsonNode failed = awaitFinished(server, migration[0]);
            assertEquals("failed", failed.path("job").path("state").asText(), failed.toString());
            String message = failed.path("job").path("message").asText();
            assertTrue(message.startsWith("[-] failed: " + REASON) && message.contains("VM " + vmId + " is on pve"),
                    message);
            assertEquals(1, vmIds(server).stream().filter(id -> id == vmId).count(), "the migrated VM is still there, once");
            assertStreamEndsWith(server, migration, REASON);
            report.add("migrating VM: " + message);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- warnings of every server ---\n" + warnings() + "\n--- last server log ---\n"
                    + server.logTail(), e);
        } finally {
            server.stop();
        }
        System.out.println(String.join("\n", report));
    }

    private String warnings() {
        StringBuilder out = new StringBuilder();
        try (java.util.stream.Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                out.append(log.getFileName()).append(":\n");
                Files.readAllLines(log).stream().filter(l -> (l.contains(" WARN ") || l.contains(" ERROR "))
                        && !l.contains("***")).limit(20).forEach(l -> out.append("  ").append(l).append('\n'));
            }
        } catch (java.io.IOException e) {
            out.append(e);
        }
        return out.toString();
    }

    private static JsonNode awaitFinished(ServerProcess server, String job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = server.get("/api/jobs/" + job);
            assertEquals(200, r.statusCode(), "the job is known after the restart: " + r.body());
            JsonNode detail = ServerProcess.JSON.readTree(r.body());
            if (!"running".equals(detail.path("job").path("state").asText())) {
                return detail;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + job + " still running 90 s after the restart");
    }

    private static List<Integer> vmIds(ServerProcess server) {
        List<Integer> ids = new ArrayList<>();
        server.json("/api/vm/list").path("vms").forEach(vm -> ids.add(vm.path("vmid").asInt()));
        return ids;
    }

    /** Re-attaches after the last event the killed server sent: the rest ends with the final error event. */
    private static void assertStreamEndsWith(ServerProcess server, String[] job, String reason) {
        HttpResponse<String> r = server.get("/api/jobs/" + job[0] + "/events", "Last-Event-ID", job[1]);
        assertEquals(200, r.statusCode(), "after event " + job[1] + ": " + server.get("/api/jobs/" + job[0]).body());
        List<String> data = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertFalse(data.isEmpty());
        String last = data.get(data.size() - 1);
        assertTrue(last.contains("\"status\":\"error\"") && last.contains(reason), last);
        List<String> ids = r.body().lines().filter(l -> l.startsWith("id: ")).toList();
        assertEquals("id: " + (Integer.parseInt(job[1]) + 1), ids.get(0), "resumes right after Last-Event-ID");
    }
}
