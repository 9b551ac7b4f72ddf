package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.store.jdbc.PostgresPeer;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one real PostgreSQL (started here on loopback) and one simulated cluster
 * (SIM_STATE_DIR shared): 20 installs spread over both, each followed to its end from the other
 * instance (replay and live events), two cancelled from the other instance; then one instance killed
 * with SIGKILL mid-install and the other rolling its work back once the lease ran out. Zero leftovers,
 * zero duplicate VMIDs. The same suite on the embedded store, one instance (the kill there is a restart).
 */
class SharedStoreIT {

    private static final int INSTALLS = 20;
    private static final String INSTALL = "{\"os\":\"debian\",\"version\":\"12\"}";

    @TempDir
    Path dir;

    private Map<String, String> env(String name, Map<String, String> store) {
        Map<String, String> env = new HashMap<>(store);
        env.put("DATA_DIR", dir.resolve(name + "-data").toString());
        env.put("IMAGE_CACHE_DIR", dir.resolve(name + "-images").toString());
        env.put("SIM_STATE_DIR", dir.resolve("sim").toString());
        env.put("SIM_SPEED", "10");
        env.put("JOB_WORKERS", "12");
        env.put("JOB_LEASE", "4");
        return env;
    }

    @Test
    void twoInstancesOnOnePostgresShareJobsAndTakeOverAfterTheLease() throws Exception {
        assumeTrue(Files.isRegularFile(ServerProcess.JAR), "the jar is built in the package phase");
        try (PostgresPeer postgres = PostgresPeer.start()) {
            Map<String, String> store = Map.of("JOB_STORE_URL", postgres.jdbcUrl(), "JOB_STORE_USER", postgres.user());
            Map<String, String> envA = new HashMap<>(env("a", store));
            envA.put("INSTANCE_ID", "server-a");
            Map<String, String> envB = new HashMap<>(env("b", store));
            envB.put("INSTANCE_ID", "server-b");
            ServerProcess a = ServerProcess.start(dir, "a", envA);
            try (ServerProcess b = ServerProcess.start(dir, "b", envB)) {
                try {
                    suite(a, b);
                    takeover(a, b);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + "\n--- a ---\n" + a.logTail() + "\n--- b ---\n" + b.logTail(), e);
                }
            } finally {
                a.stop();
            }
        }
    }

    @Test
    void theSameSuiteRunsOnTheEmbeddedStoreWithOneInstance() throws Exception {
        assumeTrue(Files.isRegularFile(ServerProcess.JAR), "the jar is built in the package phase");
        ServerProcess one = ServerProcess.start(dir, "one", env("one", Map.of()));
        try {
            suite(one, one);
            String[] job = one.postAndFollow("/api/vm/install", INSTALL,
                    d -> d.contains("\"step\":\"VM initialization > waiting for ready\""));
            one.kill();
            one = ServerProcess.start(dir, "one-again", env("one", Map.of()));
            JsonNode done = awaitEnd(one, job[0], Duration.ofSeconds(60));
            assertEquals("failed", done.path("job").path("state").asText(), done.toString());
            assertNoLeftovers(one);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- log ---\n" + one.logTail(), e);
        } finally {
            one.stop();
        }
    }

    /** 20 installs, half on each instance, each followed from the other; two cancelled from the other. */
    private static void suite(ServerProcess a, ServerProcess b) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(INSTALLS);
        try {
            List<Future<String[]>> started = new ArrayList<>();
            for (int i = 0; i < INSTALLS; i++) {
                ServerProcess on = i % 2 == 0 ? a : b;
                ServerProcess other = on == a ? b : a;
                started.add(pool.submit(() -> new String[] {submit(on, "/api/vm/install", INSTALL), on == a ? "a" : "b"}));
                if (i == 0) {
                    started.get(0).get(60, TimeUnit.SECONDS);
                }
                assertTrue(other != null);
            }
            List<String[]> jobs = new ArrayList<>();
            for (Future<String[]> f : started) {
                jobs.add(f.get(120, TimeUnit.SECONDS));
            }
            Set<String> cancelled = new HashSet<>();
            for (String[] job : List.of(jobs.get(3), jobs.get(6))) {
                ServerProcess other = job[1].equals("a") ? b : a;
                HttpResponse<String> r = other.post("/api/jobs/" + job[0] + "/cancel", null);
                if (r.statusCode() == 202) {
                    cancelled.add(job[0]);
                }
            }
            assertTrue(!cancelled.isEmpty(), "cancelled from the other instance");
            List<Future<List<String>>> follows = new ArrayList<>();
            for (String[] job : jobs) {
                ServerProcess other = job[1].equals("a") ? b : a;
                follows.add(pool.submit(() -> follow(other, job[0])));
            }
            int succeeded = 0;
            for (int i = 0; i < jobs.size(); i++) {
                List<String> frames = follows.get(i).get(180, TimeUnit.SECONDS);
                String last = frames.get(frames.size() - 1);
                for (int k = 0; k < frames.size(); k++) {
                    assertTrue(frames.get(k).startsWith("id: " + k + "\n"), "contiguous ids from 0: " + frames.get(k));
                }
                if (cancelled.contains(jobs.get(i)[0])) {
                    assertTrue(last.contains("\"status\":\"error\"") && last.contains("[-] cancelled"), last);
                } else {
                    assertTrue(last.contains("\"status\":\"success\"") && last.contains("VM installation completed"), last);
                    succeeded++;
                }
            }
            assertEquals(INSTALLS - cancelled.size(), succeeded);
            for (String[] job : jobs) {
                JsonNode seen = a.json("/api/jobs/" + job[0]);
                assertEquals(cancelled.contains(job[0]) ? "cancelled" : "succeeded", seen.path("job").path("state").asText());
                assertEquals(seen.path("job").path("events").asInt(), b.json("/api/jobs/" + job[0]).path("job")
                        .path("events").asInt(), "both instances list the same job");
            }
            assertNoLeftovers(a);
            List<Integer> ids = vmIds(a);
            assertEquals(new HashSet<>(ids).size(), ids.size(), "no duplicate VMID: " + ids);
            assertTrue(ids.size() >= succeeded, ids.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Instance a killed mid-install: b rolls its jobs back once the lease ran out. */
    private static void takeover(ServerProcess a, ServerProcess b) throws Exception {
        String[] job = a.postAndFollow("/api/vm/install", INSTALL,
                d -> d.contains("\"step\":\"VM initialization > waiting for ready\""));
        long killed = System.nanoTime();
        a.kill();
        JsonNode done = awaitEnd(b, job[0], Duration.ofSeconds(60));
        long took = System.nanoTime() - killed;
        assertEquals("failed", done.path("job").path("state").asText(), done.toString());
        String message = done.path("job").path("message").asText();
        assertTrue(message.contains("server instance server-a stopped renewing its lease") && message.contains("taken over by"
                + " server-b") && message.contains("destroyed VM"), message);
        assertTrue(took > Duration.ofSeconds(3).toNanos(), "not before the 4 s lease ran out");
        assertNoLeftovers(b);
    }

    private static String submit(ServerProcess on, String path, String body) throws Exception {
        HttpResponse<InputStream> r = on.http.send(HttpRequest.newBuilder(on.uri(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        r.body().close(); // the client goes away: the job goes on
        return r.headers().firstValue("X-Job-Id").orElseThrow();
    }

    /** @return the SSE frames ("id: N\ndata: ...") of a job, replayed and followed to the end */
    private static List<String> follow(ServerProcess on, String job) {
        HttpResponse<String> r = on.get("/api/jobs/" + job + "/events");
        assertEquals(200, r.statusCode(), r.body());
        List<String> frames = new ArrayList<>();
        for (String frame : r.body().split("\n\n")) {
            if (frame.startsWith("id: ")) {
                frames.add(frame);
            }
        }
        return frames;
    }

    private static JsonNode awaitEnd(ServerProcess on, String job, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode detail = on.json("/api/jobs/" + job);
            if (!"running".equals(detail.path("job").path("state").asText())) {
                return detail;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + job + " did not end within " + within);
    }

    private static List<Integer> vmIds(ServerProcess on) {
        List<Integer> ids = new ArrayList<>();
        on.json("/api/vm/list").path("vms").forEach(vm -> ids.add(vm.path("vmid").asInt()));
        return ids;
    }

    /** Every VM on the cluster belongs to a succeeded install. */
    private static void assertNoLeftovers(ServerProcess on) {
        Set<Integer> kept = new HashSet<>();
        on.json("/api/jobs").path("jobs").forEach(j -> {
            if (j.path("state").asText().equals("succeeded") && j.path("kind").asText().equals("install")) {
                kept.add(j.path("vm_id").asInt());
            }
        });
        for (int id : vmIds(on)) {
            assertTrue(kept.contains(id), "VM " + id + " belongs to no succeeded install: a leftover");
        }
    }
}
