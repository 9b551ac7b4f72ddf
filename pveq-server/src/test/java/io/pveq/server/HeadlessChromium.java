package io.pveq.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveq.core.testing.TestPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real headless Chromium driven through chromedriver over the W3C WebDriver HTTP protocol (JDK
 * client and Jackson, no Selenium). Loopback only: chromedriver listens on 127.0.0.1 and accepts
 * 127.0.0.1 only; Chromium runs without proxy, with every host name but 127.0.0.1 unresolvable and
 * its background services off. {@link #close()} ends the session and then every process chromedriver
 * started, by process handle.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Chromium flags: headless, no sandbox (root in CI), nothing that phones home, loopback names only. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--no-proxy-server",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Path workDir;
    private final Process driver;
    private final URI base;
    private String session;

    private HeadlessChromium(Path workDir, Process driver, URI base) {
        this.workDir = workDir;
        this.driver = driver;
        this.base = base;
    }

    /**
     * Starts chromedriver on a free loopback port and opens a browser session.
     *
     * @throws AssertionError when chromium or chromedriver is not installed, saying how to install them
     *         ({@link TestPeer})
     */
    static HeadlessChromium start() throws IOException, InterruptedException {
        Path chromium = TestPeer.CHROMIUM.require();
        Path chromedriver = TestPeer.CHROMEDRIVER.require();
        Path work = Files.createTempDirectory("pveq-chromium");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process p = new ProcessBuilder(chromedriver.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(work.resolve("chromedriver.log").toFile()).start();
        HeadlessChromium c = new HeadlessChromium(work, p, URI.create("http://127.0.0.1:" + port));
        try {
            c.awaitReady();
            c.openSession(chromium);
            return c;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!driver.isAlive()) {
                throw new AssertionError("chromedriver exited with " + driver.exitValue() + ": " + log());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/status"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && JSON.readTree(r.body()).path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("chromedriver not ready within 30 s: " + log());
    }

    private void openSession(Path chromium) throws IOException, InterruptedException {
        ObjectNode options = JSON.createObjectNode();
        options.put("binary", chromium.toString());
        ArrayNode args = options.putArray("args");
        FLAGS.forEach(args::add);
        args.add("--user-data-dir=" + workDir.resolve("profile"));
        ObjectNode body = JSON.createObjectNode();
        ObjectNode always = body.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        always.set("goog:chromeOptions", options);
        always.putObject("timeouts").put("script", 30_000).put("pageLoad", 30_000);
        JsonNode value = call("POST", "/session", body, Duration.ofSeconds(90));
        session = value.path("sessionId").asText(null);
        if (session == null) {
            throw new AssertionError("no WebDriver session: " + value + "; " + log());
        }
    }

    /** Loads {@code url} in the tab and waits for it to load. */
    void navigate(String url) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("url", url);
        call("POST", "/session/" + session + "/url", body, Duration.ofSeconds(40));
    }

    /**
     * Runs a synchronous script in the page.
     *
     * @param script the function body; its arguments are {@code arguments[0..]}
     * @return what it returned, as JSON
     */
    JsonNode execute(String script, Object... arguments) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("script", script);
        ArrayNode args = body.putArray("args");
        for (Object a : arguments) {
            args.addPOJO(a);
        }
        return call("POST", "/session/" + session + "/execute/sync", body, Duration.ofSeconds(40));
    }

    private JsonNode call(String method, String path, JsonNode body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8");
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = res.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(res.body());
        if (res.statusCode() != 200) {
            throw new AssertionError("WebDriver " + method + " " + path + " answered " + res.statusCode() + ": "
                    + json.path("value").path("message").asText(res.body()));
        }
        return json.path("value");
    }

    /** @return chromedriver's output so far, for failure messages */
    String log() {
        try {
            String text = Files.readString(workDir.resolve("chromedriver.log"));
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no chromedriver log: " + e + ")";
        }
    }

    /** Ends the session (Chromium quits), then chromedriver and anything it left behind; removes the profile. */
    @Override
    public void close() {
        List<ProcessHandle> spawned = new ArrayList<>();
        try {
            if (session != null && driver.isAlive()) {
                try {
                    call("DELETE", "/session/" + session, null, Duration.ofSeconds(30));
                } catch (IOException | RuntimeException | AssertionError e) {
                    // fall through to killing the processes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            session = null;
            driver.descendants().forEach(spawned::add);
            driver.destroy();
            try {
                if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                    driver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                driver.destroyForcibly();
            }
            for (ProcessHandle h : spawned) {
                if (h.isAlive()) {
                    h.destroyForcibly();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (running(spawned) > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            deleteTree(workDir);
        }
    }

    /**
     * @return how many of {@code handles} still run (for the no-orphan check); a zombie, already
     *         killed and waiting for init to reap it, does not run
     */
    static long running(List<ProcessHandle> handles) {
        return handles.stream().filter(h -> h.isAlive() && !zombie(h.pid())).count();
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            return false; // gone, or no /proc: isAlive() decides
        }
    }

    /** @return chromedriver and everything it started, now */
    List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(driver.toHandle());
        driver.descendants().forEach(all::add);
        return all;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Chromium may still be flushing its profile while it exits; the temp dir is not worth a failure
        }
    }
}
