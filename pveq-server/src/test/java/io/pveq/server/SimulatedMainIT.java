package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar with nothing configured: the simulated cluster, loudly, then a graceful SIGTERM. */
class SimulatedMainIT {

    @Test
    void startsOnTheSimulatedClusterSaysSoAndStopsGracefully(@TempDir Path dir) throws Exception {
        Path jar = Path.of("target", "pveq-server.jar").toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "the jar is built in the package phase");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("NODE_") || EnvConfig.VARIABLES.contains(k));
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("BIND_ADDRESS", "127.0.0.1");
        pb.environment().put("SIM_SPEED", "50");
        pb.environment().put("SIM_API_PORT", "0");
        Process p = pb.start();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.add(line);
                }
            } catch (Exception ignored) {
                // process ended
            }
        });
        reader.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + port + "/api/health");
            boolean up = false;
            for (int i = 0; i < 300 && !up && p.isAlive(); i++) {
                try {
                    up = "ok".equals(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).body());
                } catch (java.io.IOException e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(up, String.join("\n", log));
            JsonNode info = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/info")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(info.get("simulated").asBoolean());
            assertTrue(info.get("warning").asText().contains("SIMULATED"));
            assertTrue(log.stream().anyMatch(l -> l.contains("*** SIMULATED CLUSTER")), String.join("\n", log));
            HttpResponse<String> install = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/vm/install")).timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"os\":\"ubuntu\",\"version\":\"22.04\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, install.statusCode());
            assertTrue(install.body().contains("\"status\":\"success\",\"message\":\"[+] VM installation completed"),
                    install.body());
            assertTrue(log.stream().noneMatch(l -> l.contains("ERROR")), String.join("\n", log));
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor(); // as systemd does
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            reader.join(10_000);
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("pveq-server: stopped")), "exit " + p.exitValue() + "\n"
                + String.join("\n", log.subList(Math.max(0, log.size() - 5), log.size())));
    }
}
