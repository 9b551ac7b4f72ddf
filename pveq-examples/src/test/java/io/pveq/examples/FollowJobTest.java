package io.pveq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FollowJob against a small SSE server on loopback that behaves like pveq-server's job endpoints:
 * the first event stream breaks off after three events, the job state says it is still running,
 * and the second stream must ask for the rest with {@code Last-Event-ID}.
 */
class FollowJobTest {

    private static final String TOKEN = "s3cret-token";
    private static final List<String> EVENTS = List.of(
            "{\"step\":\"preparation > checking VMID\",\"status\":\"processing\",\"message\":\"[*] start VM installation\"}",
            "{\"step\":\"preparation > checking VMID\",\"status\":\"success\",\"message\":\"[+] auto-assigned VMID: 100\"}",
            "{\"step\":\"preparation > assigning IP\",\"status\":\"processing\",\"message\":\"[*] deriving\",\"vm_id\":100}",
            "{\"step\":\"preparation > assigning IP\",\"status\":\"success\",\"message\":\"[+] assigned\",\"vm_id\":100}",
            "{\"step\":\"VM initialization > finalizing\",\"status\":\"success\",\"message\":\"[+] ready\",\"vm_id\":100}",
            "{\"step\":\"VM initialization > finalizing\",\"status\":\"success\",\"message\":\"[+] VM installation "
                    + "completed\",\"vm_id\":100,\"ip\":\"127.0.10.100\"}");

    private HttpServer server;
    private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger streams = new AtomicInteger();
    private volatile String finalState = "succeeded";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/jobs/job-1/events", this::events);
        server.createContext("/api/jobs/job-1", this::job);
        server.createContext("/api/jobs/", exchange -> reply(exchange, 404,
                "{\"success\":false,\"error\":\"job_not_found\"}"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void events(HttpExchange exchange) throws IOException {
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        String last = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        lastEventIds.add(String.valueOf(last));
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        int n = streams.incrementAndGet();
        int from = last == null ? 0 : Integer.parseInt(last) + 1;
        if (n == 1) {
            // promise far more bytes than are sent, then close: the client sees the connection break
            exchange.sendResponseHeaders(200, 1 << 20);
            OutputStream body = exchange.getResponseBody();
            body.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
            for (int i = from; i < 3; i++) {
                body.write(frame(i));
            }
            body.write("id: 3\ndata: {\"step\":\"cut off".getBytes(StandardCharsets.UTF_8));
            body.flush();
            exchange.close(); // fewer bytes than announced: the server drops the connection
            return;
        }
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody()) {
            for (int i = from; i < EVENTS.size(); i++) {
                body.write(frame(i));
            }
        }
    }

    private static byte[] frame(int index) {
        return ("id: " + index + "\ndata: " + EVENTS.get(index) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private void job(HttpExchange exchange) throws IOException {
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "{\"success\":false,\"error\":\"unauthorized\"}");
            return;
        }
        boolean done = streams.get() >= 2;
        String job = done
                ? "{\"id\":\"job-1\",\"kind\":\"install\",\"vm_id\":100,\"state\":\"" + finalState
                        + "\",\"finished_at\":\"2026-01-01T00:00:05Z\",\"events\":6}"
                : "{\"id\":\"job-1\",\"kind\":\"install\",\"vm_id\":100,\"state\":\"running\",\"events\":3}";
        reply(exchange, 200, "{\"success\":true,\"job\":" + job + "}");
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }

    @Test
    void resumesWithLastEventIdAfterTheConnectionDropsAndPrintsEveryEventOnce() {
        Output out = new Output();
        int status = FollowJob.run(out.stream, new String[] {base(), "job-1", TOKEN}, Duration.ofMillis(10));
        String text = out.text();
        assertEquals(0, status, text);
        assertEquals(List.of("null", "2"), lastEventIds, "the second stream resumes after event 2");
        assertEquals(List.of("Bearer " + TOKEN, "Bearer " + TOKEN), authorizations);
        for (int i = 0; i < EVENTS.size(); i++) {
            Matcher m = Pattern.compile("(?m)^\\[" + i + "\\] " + Pattern.quote(EVENTS.get(i)) + "$").matcher(text);
            assertTrue(m.find(), "event " + i + " printed:\n" + text);
            assertTrue(!m.find(), "event " + i + " printed once:\n" + text);
        }
        assertTrue(!text.contains("cut off"), "a half-received event is not printed:\n" + text);
        assertTrue(text.contains("-- connection lost after event 2"), text);
        assertTrue(text.contains("-- reconnecting in 10 ms with Last-Event-ID: 2"), text);
        assertTrue(text.contains("-- job job-1 succeeded (6 events)"), text);
    }

    @Test
    void exitsWithOneWhenTheJobFailed() {
        finalState = "failed";
        Output out = new Output();
        assertEquals(1, FollowJob.run(out.stream, new String[] {base(), "job-1", TOKEN}, Duration.ofMillis(10)));
        assertTrue(out.text().contains("-- job job-1 failed (6 events)"), out.text());
    }

    @Test
    void stopsAtAnUnknownJobWithoutRetrying() {
        Output out = new Output();
        assertEquals(1, FollowJob.run(out.stream, new String[] {base(), "job-2"}, Duration.ofMillis(10)));
        assertTrue(out.text().contains("-- HTTP 404: {\"success\":false,\"error\":\"job_not_found\"}"), out.text());
    }

    @Test
    void printsUsageForMissingOrMalformedArguments() {
        Output out = new Output();
        assertEquals(2, FollowJob.run(out.stream, new String[] {base()}));
        assertTrue(out.text().startsWith("usage: FollowJob BASE_URL JOB_ID [API_TOKEN]"), out.text());
        assertEquals(2, FollowJob.run(new Output().stream, new String[] {base(), "../../etc"}));
        assertEquals(2, FollowJob.run(new Output().stream, new String[] {"ftp://x", "job-1"}));
    }
}
