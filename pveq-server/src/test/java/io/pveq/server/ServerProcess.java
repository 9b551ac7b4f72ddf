package io.pveq.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code pveq-server.jar} in a JVM of its own (as systemd runs it), for tests that kill it: on 127.0.0.1
 * at a free port, its log in a file, killed with SIGKILL ({@link #kill()}) or stopped with SIGTERM
 * ({@link #stop()}); a test always ends it.
 */
final class ServerProcess implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path JAR = Path.of("target", "pveq-server.jar").toAbsolutePath();

    private final Process process;
    final int port;
    final Path log;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the jar with {@code env} (besides PORT and BIND_ADDRESS) and waits until it answers. */
    static ServerProcess start(Path dir, String name, Map<String, String> env) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("NODE_") || EnvConfig.VARIABLES.contains(k));
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("BIND_ADDRESS", "127.0.0.1");
        pb.environment().putAll(env);
        ServerProcess server = new ServerProcess(pb.start(), port, log);
        server.awaitHealthy();
        return server;
    }

    private void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if ("ok".equals(get("/api/health").body())) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not answer within 90 s:\n" + logTail());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return send(r.build());
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    JsonNode json(String path) {
        try {
            return JSON.readTree(get(path).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * POSTs a job and reads its SSE stream until an event's {@code data:} matches {@code until}.
     *
     * @return the job id (X-Job-Id) and the id of the matching event
     */
    String[] postAndFollow(String path, String body, Predicate<String> until) throws Exception {
        HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            throw new AssertionError(path + " answered " + r.statusCode() + ": " + String.join("\n", r.body().toList()));
        }
        String job = r.headers().firstValue("X-Job-Id").orElseThrow();
        String id = null;
        try (Stream<String> lines = r.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ") && until.test(line)) {
                    return new String[] {job, id};
                }
            }
        }
        throw new AssertionError("the stream of job " + job + " ended before the awaited event");
    }

    /** SIGKILL: the process dies at once, mid-whatever. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as systemd stops it; waits for the graceful end. */
    void stop() throws Exception {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    String logTail() {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 6000));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
