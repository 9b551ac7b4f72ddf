package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.pveq.core.Operation;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC: the job event stream is usable by a browser {@code EventSource}. A real headless Chromium
 * (through chromedriver) loads a page from a second loopback origin, which is in the server's
 * {@code CORS_ORIGINS}, and follows install jobs on the simulated cluster; a page from an origin not
 * in the list is refused by the browser; a relay that drops the connection mid-job makes the browser
 * reconnect on its own with {@code Last-Event-ID}.
 */
class BrowserEventSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(45);
    /** Collects the events of one EventSource in window.__sse; the test polls it. */
    private static final String OPEN_EVENT_SOURCE = """
            const s = {events: [], opens: 0, errors: 0, errorStates: []};
            const es = new EventSource(arguments[0]);
            window.__sse = s;
            window.__es = es;
            es.onopen = () => { s.opens++; };
            es.onmessage = (e) => { s.events.push({id: e.lastEventId, data: e.data, origin: e.origin}); };
            es.onerror = () => { s.errors++; s.errorStates.push(es.readyState); };
            return es.readyState;
            """;
    private static final String STATE = """
            const s = window.__sse;
            return {count: s.events.length, opens: s.opens, errors: s.errors, readyState: window.__es.readyState};
            """;

    private static SimulatedCluster sim;
    private static Backend.Built built;
    private static ServerFixture server;
    private static HttpServer allowedPage;
    private static HttpServer foreignPage;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception {
        allowedPage = page();
        foreignPage = page();
        browser = HeadlessChromium.start(); // first: fails at once, saying what to install, when it is missing
        sim = SimulatedCluster.builder().speedFactor(10).build();
        EnvConfig config = EnvConfig.load(Map.of("BIND_ADDRESS", "127.0.0.1", "PORT", "0", "JOB_STORE_URL", "memory"));
        ServerMetrics metrics = new ServerMetrics();
        built = Backend.simulated(config, metrics, sim);
        server = new ServerFixture(built.provisioner(), metrics,
                b -> b.sseHeartbeat(Duration.ofSeconds(2)).corsOrigins(List.of(origin(allowedPage))));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                List<ProcessHandle> started = browser.processes();
                browser.close();
                assertEquals(0, HeadlessChromium.running(started), "chromedriver and every Chromium process are gone");
            }
        } finally {
            for (HttpServer p : new HttpServer[] {allowedPage, foreignPage}) {
                if (p != null) {
                    p.stop(0);
                }
            }
            if (server != null) {
                server.close();
            }
            if (built != null) {
                for (AutoCloseable c : built.extra()) {
                    c.close();
                }
            }
        }
    }

    /** A page server on 127.0.0.1 (its own origin) answering every path with an empty HTML page. */
    private static HttpServer page() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", exchange -> {
            byte[] html = "<!doctype html><html><head><title>pveq jobs</title></head><body></body></html>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(html);
            }
        });
        s.start();
        return s;
    }

    private static String origin(HttpServer page) {
        return "http://127.0.0.1:" + page.getAddress().getPort();
    }

    /** Starts an install, reads only the response head (the job id) and drops the connection. */
    private static String startInstall(String body) throws IOException {
        try (RawHttp r = RawHttp.send(null, server.port(), "POST", "/api/vm/install", body)) {
            assertEquals(200, r.status);
            String job = r.header("X-Job-Id");
            assertTrue(job != null && !job.isEmpty(), "the install answers with its job id");
            return job;
        }
    }

    private static Operation<?> job(String id) {
        return built.provisioner().operations().find(OperationId.parse(id)).orElseThrow();
    }

    /** The job's whole log over plain HTTP (the job has finished, so the replay ends by itself). */
    private static List<InstallStreamTest.Frame> replay(String job) throws IOException {
        try (RawHttp r = RawHttp.send(null, server.port(), "GET", "/api/jobs/" + job + "/events", null)) {
            assertEquals(200, r.status);
            return InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
        }
    }

    /** Polls the page's EventSource state until {@code done}; a CLOSED EventSource never changes again, so that fails at once. */
    private static JsonNode awaitBrowser(Predicate<JsonNode> done, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode state = browser.execute(STATE);
        while (!done.test(state)) {
            if (state.path("readyState").asInt() == 2) {
                throw new AssertionError("browser: the EventSource failed (CLOSED) before " + what + "; state " + state);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("browser: " + what + " not within " + WAIT + "; last state " + state);
            }
            Thread.sleep(100);
            state = browser.execute(STATE);
        }
        return state;
    }

    private static void awaitFinished(String job) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!job(job).state().isFinished()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " still " + job(job).state() + " after " + WAIT);
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the page's EventSource holds {@code expected} events and has stopped (CLOSED) by itself. */
    private static JsonNode awaitEnd(int expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode state = browser.execute(STATE);
        while (!(state.path("count").asInt() >= expected && state.path("readyState").asInt() == 2)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("browser: the EventSource did not stop after the final event within " + WAIT
                        + "; last state " + state);
            }
            Thread.sleep(100);
            state = browser.execute(STATE);
        }
        return state;
    }

    /** Waits for the browser to hold as many events as the server's log, then closes the EventSource and returns them. */
    private static List<JsonNode> collect(int expected) throws Exception {
        awaitBrowser(s -> s.path("count").asInt() >= expected, expected + " events");
        browser.execute("window.__es.close(); return true;");
        List<JsonNode> events = new ArrayList<>();
        browser.execute("return window.__sse.events;").forEach(events::add);
        return events;
    }

    private static void assertSameEvents(List<InstallStreamTest.Frame> log, List<JsonNode> seen, String serverOrigin) {
        assertEquals(log.size(), seen.size(), "the browser got every event of the job, no more: " + seen);
        for (int i = 0; i < log.size(); i++) {
            assertEquals(Integer.toString(log.get(i).id()), seen.get(i).path("id").asText(), "event " + i + "'s id");
            assertEquals(log.get(i).data().substring("data: ".length()), seen.get(i).path("data").asText(),
                    "event " + i + "'s data, as the server sent it");
            assertEquals(serverOrigin, seen.get(i).path("origin").asText());
        }
    }

    @Test
    void browserEventSourceFromAnAllowedOriginReceivesEveryEventOfARunningInstallInOrder() throws Exception {
        String job = startInstall("{\"os\":\"debian\",\"version\":\"12\",\"name\":\"sse-browser\"}");
        browser.navigate(origin(allowedPage) + "/jobs.html");
        browser.execute(OPEN_EVENT_SOURCE, server.uri("/api/jobs/" + job + "/events").toString());
        JsonNode first = awaitBrowser(s -> s.path("count").asInt() >= 1, "a first event");
        assertEquals(1, first.path("opens").asInt(), "the EventSource opened");
        assertEquals(OperationState.RUNNING, job(job).state(), "the browser follows the job live, not only a replay");
        awaitFinished(job);
        assertEquals(OperationState.SUCCEEDED, job(job).state());
        List<InstallStreamTest.Frame> log = replay(job);
        assertEquals(0, log.get(0).id());
        // the browser reconnects after the final event with its id; the server's 204 ends that for good
        JsonNode ended = awaitEnd(log.size());
        assertEquals(log.size(), ended.path("count").asInt(), "no event twice after the reconnect");
        List<JsonNode> seen = collect(log.size());
        assertSameEvents(log, seen, "http://127.0.0.1:" + server.port());
        JsonNode last = ServerFixture.JSON.readTree(seen.get(seen.size() - 1).path("data").asText());
        assertEquals("success", last.path("status").asText());
        assertTrue(last.path("ip").asText().startsWith("127.0.10."), last.toString());
    }

    @Test
    void browserRefusesTheStreamForAnOriginNotInCorsOrigins() throws Exception {
        String job = startInstall("{\"os\":\"debian\",\"version\":\"12\",\"name\":\"sse-foreign\"}");
        String events = "/api/jobs/" + job + "/events";
        try (RawHttp r = RawHttp.send(null, server.port(), "GET", events, null, "Origin: " + origin(foreignPage))) {
            assertEquals(200, r.status, "the server streams to anyone holding the job id (no token configured)");
            assertNull(r.header("Access-Control-Allow-Origin"), "but grants no foreign origin");
        }
        browser.navigate(origin(foreignPage) + "/jobs.html");
        browser.execute(OPEN_EVENT_SOURCE, server.uri(events).toString());
        JsonNode closed = awaitBrowser(s -> s.path("readyState").asInt() == 2, "the EventSource failing (CLOSED)");
        assertEquals(0, closed.path("count").asInt(), "no event reaches the foreign page");
        assertEquals(0, closed.path("opens").asInt(), "the connection never counted as open");
        assertTrue(closed.path("errors").asInt() >= 1, "onerror fired");
        server.post("/api/jobs/" + job + "/cancel", null); // no need to wait for the whole install (409 if it just ended)
        awaitFinished(job);
    }

    @Test
    void browserReconnectsWithLastEventIdAfterTheConnectionDropsAndMissesNothing() throws Exception {
        List<OperationState> stateAtCut = new CopyOnWriteArrayList<>();
        String[] jobHolder = new String[1];
        try (CuttingSseRelay relay = new CuttingSseRelay(server.port(), List.of(3, 4),
                i -> stateAtCut.add(job(jobHolder[0]).state()))) {
            String job = startInstall("{\"os\":\"ubuntu\",\"version\":\"24.04\",\"name\":\"sse-resume\"}");
            jobHolder[0] = job;
            browser.navigate(origin(allowedPage) + "/jobs.html");
            browser.execute(OPEN_EVENT_SOURCE, "http://127.0.0.1:" + relay.port() + "/api/jobs/" + job + "/events");
            awaitBrowser(s -> s.path("opens").asInt() >= 3, "two reconnects");
            awaitFinished(job);
            assertEquals(OperationState.SUCCEEDED, job(job).state());
            List<InstallStreamTest.Frame> log = replay(job);
            List<JsonNode> seen = collect(log.size());
            assertSameEvents(log, seen, "http://127.0.0.1:" + relay.port());

            List<CuttingSseRelay.Attempt> attempts = relay.attempts();
            assertTrue(attempts.size() >= 3, attempts.toString());
            assertEquals(Optional.empty(), attempts.get(0).lastEventId(), "the first connection starts from the beginning");
            assertEquals(Optional.of("2"), attempts.get(1).lastEventId(), "the browser's own reconnect resumes after event 2");
            assertEquals(Optional.of("6"), attempts.get(2).lastEventId(), "and after event 6 the second time");
            for (CuttingSseRelay.Attempt a : attempts) {
                assertEquals(Optional.of(origin(allowedPage)), a.origin(), "every request is a CORS request from the page");
            }
            assertEquals(OperationState.RUNNING, stateAtCut.get(0), "the first drop happened while the job ran");
        }
    }
}
