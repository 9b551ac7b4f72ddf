package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pveq.core.VmStatus;
import io.pveq.server.fake.FakeProvisioner;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Token, ALLOW_IPS (with CIDR and forwarded headers), CORS, body limits, secrets, through real HTTP. */
class SecurityTest {

    private static final String TOKEN = "t0ken-0123456789-abcdef";

    private static ServerFixture server(FakeProvisioner fake, Consumer<ServerConfig.Builder> tweak) {
        fake.addVm(101, "web", VmStatus.RUNNING, "pve1");
        return new ServerFixture(fake, tweak);
    }

    private static int post(ServerFixture s, String from, String path, String... headers) throws Exception {
        try (RawHttp r = RawHttp.send(from, s.port(), "POST", path, null, headers)) {
            return r.status;
        }
    }

    @Test
    void bearerTokenIsRequiredOnEverythingButHealth() {
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = server(fake, b -> b.apiToken(TOKEN))) {
            assertEquals(200, s.get("/api/health").statusCode());
            for (String path : List.of("/api/vm/list", "/api/vm/101/status", "/api/jobs", "/metrics", "/api/openapi.json",
                    "/sh/debian_12.sh", "/api/info")) {
                HttpResponse<String> r = s.get(path);
                assertEquals(401, r.statusCode(), path);
                assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
                assertEquals(401, s.get(path, "Authorization", "Bearer " + TOKEN + "x").statusCode(), path);
                assertEquals(401, s.get(path, "Authorization", "Basic " + TOKEN).statusCode(), path);
                assertEquals(200, s.get(path, "Authorization", "Bearer " + TOKEN).statusCode(), path);
            }
            int before = fake.commands().size();
            assertEquals(401, s.post("/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\"}").statusCode());
            assertEquals(401, s.post("/api/vm/101/stop", null, "Authorization", "bearer wrong-token-0123456789").statusCode());
            assertEquals(200, s.post("/api/vm/101/stop", null, "Authorization", "bearer " + TOKEN).statusCode());
            assertEquals(List.of("qm config 101", "qm stop 101"),
                    fake.commands().subList(before, fake.commands().size()), "only the authorised call ran");
            assertTrue(fake.submitted().isEmpty());
        }
    }

    @Test
    void queryTokenIsAcceptedOnlyOnJobEventStreams() {
        try (ServerFixture s = server(new FakeProvisioner(), b -> b.apiToken(TOKEN))) {
            assertEquals(401, s.get("/api/vm/list?access_token=" + TOKEN).statusCode());
            assertEquals(401, s.get("/api/jobs/0123456789abcdef/events").statusCode());
            assertEquals(404, s.get("/api/jobs/0123456789abcdef/events?access_token=" + TOKEN).statusCode(),
                    "authorised, then the job is not found");
        }
    }

    @Test
    void allowIpsLimitsMutatingCallsByPeerAddress() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = server(fake, b -> b.allowIps(AddressRanges.parse("ALLOW_IPS", " 127.0.0.2 , 10.9.9.9")))) {
            assertEquals(403, post(s, null, "/api/vm/101/stop"));
            assertEquals(403, post(s, "127.0.0.3", "/api/vm/101/destroy"));
            assertEquals(200, s.get("/api/vm/101/status").statusCode(), "reads stay open");
            assertEquals(List.of("qm config 101"), fake.commands());
            assertEquals(200, post(s, "127.0.0.2", "/api/vm/101/stop"));
        }
    }

    @Test
    void allowIpsAcceptsCidrRanges() throws Exception {
        try (ServerFixture s = server(new FakeProvisioner(), b -> b.allowIps(AddressRanges.parse("ALLOW_IPS", "127.0.0.0/30")))) {
            assertEquals(200, post(s, "127.0.0.2", "/api/vm/101/stop"));
            assertEquals(403, post(s, "127.0.0.5", "/api/vm/101/stop"));
        }
    }

    @Test
    void spoofedForwardedHeadersFromAnUntrustedPeerAreIgnored() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = server(fake, b -> b.allowIps(AddressRanges.parse("ALLOW_IPS", "127.0.0.2")))) {
            assertEquals(403, post(s, null, "/api/vm/101/stop", "X-Forwarded-For: 127.0.0.2"));
            assertEquals(403, post(s, null, "/api/vm/101/stop", "Forwarded: for=127.0.0.2"));
            assertEquals(403, post(s, null, "/api/vm/101/stop", "X-Real-IP: 127.0.0.2"));
            assertTrue(fake.commands().isEmpty());
        }
    }

    @Test
    void forwardedHeadersFromATrustedProxyNameTheClient() throws Exception {
        try (ServerFixture s = server(new FakeProvisioner(), b -> b.allowIps(AddressRanges.parse("ALLOW_IPS", "127.0.0.2"))
                .trustedProxies(AddressRanges.parse("TRUSTED_PROXIES", "127.0.0.1")))) {
            assertEquals(200, post(s, null, "/api/vm/101/stop", "X-Forwarded-For: 127.0.0.2"));
            assertEquals(403, post(s, null, "/api/vm/101/stop", "X-Forwarded-For: 127.0.0.2, 127.0.0.9"),
                    "the nearest untrusted hop counts, not a client-supplied leftmost entry");
            assertEquals(200, post(s, null, "/api/vm/101/stop", "Forwarded: for=\"127.0.0.2:4711\";proto=http"));
            assertEquals(403, post(s, null, "/api/vm/101/stop"), "no header: the proxy itself is the client");
            assertEquals(403, post(s, "127.0.0.4", "/api/vm/101/stop", "X-Forwarded-For: 127.0.0.2"),
                    "another peer is not a trusted proxy");
        }
    }

    @Test
    void corsAllowsOnlyConfiguredOriginsAndNeverReflects() throws Exception {
        try (ServerFixture s = server(new FakeProvisioner(), b -> b.corsOrigins(List.of("https://ui.example.com")))) {
            HttpResponse<String> ok = s.get("/api/vm/list", "Origin", "https://ui.example.com");
            assertEquals("https://ui.example.com", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            HttpResponse<String> evil = s.get("/api/vm/list", "Origin", "https://evil.example");
            assertTrue(evil.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
            try (RawHttp r = RawHttp.send(null, s.port(), "OPTIONS", "/api/vm/install", null,
                    "Origin: https://ui.example.com", "Access-Control-Request-Method: POST")) {
                assertEquals(204, r.status);
                assertEquals("https://ui.example.com", r.header("Access-Control-Allow-Origin"));
                assertTrue(r.header("Access-Control-Allow-Headers").contains("Authorization"));
            }
            try (RawHttp r = RawHttp.send(null, s.port(), "OPTIONS", "/api/vm/install", null,
                    "Origin: https://evil.example", "Access-Control-Request-Method: POST")) {
                assertEquals(403, r.status);
                assertEquals(null, r.header("Access-Control-Allow-Origin"));
            }
        }
        try (ServerFixture s = server(new FakeProvisioner(), b -> { })) {
            assertTrue(s.get("/api/vm/list", "Origin", "https://ui.example.com").headers()
                    .firstValue("Access-Control-Allow-Origin").isEmpty(), "no origin is allowed by default");
        }
    }

    @Test
    void oversizedBodiesAre413WithoutTouchingANode() {
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = server(fake, b -> b.maxBodyBytes(2048))) {
            String big = "{\"os\":\"debian\",\"version\":\"12\",\"name\":\"" + "a".repeat(4000) + "\"}";
            HttpResponse<String> r = s.post("/api/vm/install", big);
            assertEquals(413, r.statusCode());
            assertEquals("body", ServerFixture.json(r).get("field").asText());
            HttpRequest chunked = HttpRequest.newBuilder(s.uri("/api/vm/101/set/cpu")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build();
            assertEquals(413, s.send(chunked).statusCode(), "also without Content-Length");
            assertTrue(fake.commands().isEmpty());
            assertTrue(fake.submitted().isEmpty());
        }
    }

    @Test
    void passwordsAndTokensNeverReachLogsOrEvents() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger access = (Logger) LoggerFactory.getLogger("io.pveq.server.access");
        Level before = access.getLevel();
        access.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        String password = "Sup3r-Secret-Pa55";
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = server(fake, b -> b.apiToken(TOKEN))) {
            String events;
            try (RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\","
                    + "\"passwd\":\"" + password + "\"}", "Authorization: Bearer " + TOKEN)) {
                String job = r.header("X-Job-Id");
                events = r.body();
                s.get("/api/jobs/" + job + "/events?access_token=" + TOKEN).body();
            }
            s.post("/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\",\"passwd\":\"short\"}",
                    "Authorization", "Bearer " + TOKEN);
            assertFalse(events.contains(password));
            String json = s.get("/api/jobs", "Authorization", "Bearer " + TOKEN).body();
            assertFalse(json.contains(password));
            assertFalse(logs.list.isEmpty(), "the access log was captured");
            for (ILoggingEvent e : logs.list) {
                String line = e.getFormattedMessage();
                assertFalse(line.contains(password), line);
                assertFalse(line.contains(TOKEN), line);
                assertFalse(line.contains("short"), line);
            }
        } finally {
            root.detachAppender(logs);
            access.setLevel(before);
        }
    }
}
