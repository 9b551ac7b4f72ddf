package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.VmLimits;
import io.pveq.core.VmStatus;
import io.pveq.server.fake.FakeProvisioner;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven bad input: each request gets a 4xx JSON error naming the field at fault, and no
 * command reaches any node (the fake records every node-touching call).
 */
class BadInputTest {

    private static FakeProvisioner fake;
    private static ServerFixture server;

    @BeforeAll
    static void start() {
        fake = new FakeProvisioner(new VmLimits(OptionalInt.of(8), OptionalInt.of(16384), OptionalInt.of(100),
                OptionalInt.empty()));
        fake.addVm(101, "web", VmStatus.RUNNING, "pve1");
        server = new ServerFixture(fake, b -> b.maxBodyBytes(16 * 1024));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String OK = "\"os\":\"debian\",\"version\":\"12\"";

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        String install = "/api/vm/install";
        // malformed bodies
        c.add(Arguments.of(install, "{\"os\":", "body"));
        c.add(Arguments.of(install, "", "body"));
        c.add(Arguments.of(install, "null", "body"));
        c.add(Arguments.of(install, "[1,2]", "body"));
        c.add(Arguments.of(install, "\"debian\"", "body"));
        c.add(Arguments.of(install, "{" + OK + "} trailing", "body"));
        c.add(Arguments.of(install, "{\"os\":\"debian\",\"os\":\"ubuntu\",\"version\":\"12\"}", "body"));
        c.add(Arguments.of(install, "{" + OK + ",\"name\":\"" + "x".repeat(20_000) + "\"}", "body"));
        // missing and unknown fields
        c.add(Arguments.of(install, "{\"version\":\"12\"}", "os"));
        c.add(Arguments.of(install, "{\"os\":\"debian\"}", "version"));
        c.add(Arguments.of(install, "{\"os\":\"\",\"version\":\"12\"}", "os"));
        c.add(Arguments.of(install, "{" + OK + ",\"colour\":\"red\"}", "colour"));
        c.add(Arguments.of(install, "{" + OK + ",\"memory\":2048}", "memory"));
        // wrong types
        c.add(Arguments.of(install, "{\"os\":1,\"version\":\"12\"}", "os"));
        c.add(Arguments.of(install, "{\"os\":\"debian\",\"version\":12}", "version"));
        for (String f : List.of("name", "node", "disk", "user", "passwd", "pubkey")) {
            c.add(Arguments.of(install, "{" + OK + ",\"" + f + "\":123}", f));
            c.add(Arguments.of(install, "{" + OK + ",\"" + f + "\":[\"a\"]}", f));
        }
        for (String f : List.of("id", "cpu", "ram")) {
            c.add(Arguments.of(install, "{" + OK + ",\"" + f + "\":\"2\"}", f));
            c.add(Arguments.of(install, "{" + OK + ",\"" + f + "\":true}", f));
            c.add(Arguments.of(install, "{" + OK + ",\"" + f + "\":2.5}", f));
            c.add(Arguments.of(install, "{" + OK + ",\"" + f + "\":{}}", f));
        }
        // out of range
        for (String v : List.of("-1", "33", "9", "99999999999")) {
            c.add(Arguments.of(install, "{" + OK + ",\"cpu\":" + v + "}", "cpu"));
        }
        for (String v : List.of("-5", "256", "16385", "99999999999")) {
            c.add(Arguments.of(install, "{" + OK + ",\"ram\":" + v + "}", "ram"));
        }
        for (String v : List.of("-1", "99", "255", "1000", "5000000000")) {
            c.add(Arguments.of(install, "{" + OK + ",\"id\":" + v + "}", "id"));
        }
        for (String v : List.of("8G", "101G", "-5G", "20", "G", "1.5X", "20GB")) {
            c.add(Arguments.of(install, "{" + OK + ",\"disk\":\"" + v + "\"}", "disk"));
        }
        c.add(Arguments.of(install, "{" + OK + ",\"passwd\":\"short\"}", "passwd"));
        c.add(Arguments.of(install, "{" + OK + ",\"user\":\"root\"}", "user"));
        c.add(Arguments.of(install, "{" + OK + ",\"node\":\"pve9\"}", "node"));
        // unknown OS or version
        c.add(Arguments.of(install, "{\"os\":\"windows\",\"version\":\"11\"}", "os"));
        c.add(Arguments.of(install, "{\"os\":\"Debian\",\"version\":\"12\"}", "os"));
        c.add(Arguments.of(install, "{\"os\":\"debian\",\"version\":\"99\"}", "version"));
        c.add(Arguments.of(install, "{\"os\":\"ubuntu\",\"version\":\"23.10\"}", "version"));
        // shell metacharacters and path traversal in every string field
        List<String> nasty = List.of("; reboot", "$(reboot)", "`id`", "| nc 10.0.0.1 1", "&& rm -rf /", "' OR '1",
                "../../etc/passwd", "..", "a\nb", "a b", "x\u0000y", "*", "~root", "${IFS}");
        for (String n : nasty) {
            String j = jsonString(n);
            c.add(Arguments.of(install, "{\"os\":" + jsonString("debian" + n) + ",\"version\":\"12\"}", "os"));
            c.add(Arguments.of(install, "{\"os\":\"debian\",\"version\":" + jsonString("12" + n) + "}", "version"));
            c.add(Arguments.of(install, "{" + OK + ",\"name\":" + jsonString("web" + n) + "}", "name"));
            c.add(Arguments.of(install, "{" + OK + ",\"node\":" + jsonString("pve1" + n) + "}", "node"));
            c.add(Arguments.of(install, "{" + OK + ",\"disk\":" + jsonString("20G" + n) + "}", "disk"));
            c.add(Arguments.of(install, "{" + OK + ",\"user\":" + jsonString("deploy" + n) + "}", "user"));
            c.add(Arguments.of(install, "{" + OK + ",\"pubkey\":" + jsonString("ssh-ed25519 AAAA" + n) + "}", "pubkey"));
            c.add(Arguments.of("/api/vm/101/set/disk", "{\"disk\":" + jsonString("5G" + n) + "}", "disk"));
            c.add(Arguments.of("/api/vm/101/set/node", "{\"node\":" + jsonString("pve2" + n) + "}", "node"));
            if (n.chars().anyMatch(Character::isISOControl)) {
                c.add(Arguments.of(install, "{" + OK + ",\"passwd\":" + jsonString("password" + n) + "}", "passwd"));
            }
            assertFalse(j.isEmpty());
        }
        // the set endpoints
        for (String body : List.of("{}", "{\"cpu\":\"4\"}", "{\"cpu\":0}", "{\"cpu\":33}", "{\"cpu\":9}", "{\"cpu\":4.5}",
                "{\"cpu\":null}")) {
            c.add(Arguments.of("/api/vm/101/set/cpu", body, "cpu"));
        }
        c.add(Arguments.of("/api/vm/101/set/cpu", "{\"cpus\":4}", "cpus"));
        c.add(Arguments.of("/api/vm/101/set/cpu", "4", "body"));
        for (String body : List.of("{}", "{\"memory\":256}", "{\"memory\":\"8G\"}", "{\"memory\":16385}")) {
            c.add(Arguments.of("/api/vm/101/set/memory", body, "memory"));
        }
        for (String body : List.of("{}", "{\"disk\":10}", "{\"disk\":\"-5G\"}", "{\"disk\":\"0G\"}", "{\"disk\":\"5\"}")) {
            c.add(Arguments.of("/api/vm/101/set/disk", body, "disk"));
        }
        for (String body : List.of("{}", "{\"node\":\"\"}", "{\"node\":\"pve9\"}", "{\"node\":2}")) {
            c.add(Arguments.of("/api/vm/101/set/node", body, "node"));
        }
        // the VMID in the path
        for (String id : List.of("abc", "99", "0", "1000000000", "101%3Breboot", "%2E%2E", "101%20", "-101")) {
            for (String op : List.of("start", "stop", "shutdown", "reboot", "destroy", "set/cpu")) {
                c.add(Arguments.of("/api/vm/" + id + "/" + op, "{\"cpu\":2}", "id"));
            }
        }
        return c.stream();
    }

    private static String jsonString(String s) {
        try {
            return ServerFixture.JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "[{index}] {0} {2}")
    @MethodSource("cases")
    void badInputIsRejectedNamingTheFieldAndNothingRuns(String path, String body, String field) {
        int commandsBefore = fake.commands().size();
        int jobsBefore = fake.submitted().size();
        HttpResponse<String> r = server.post(path, body);
        assertTrue(r.statusCode() == 400 || r.statusCode() == 413, r.statusCode() + " " + r.body());
        JsonNode error = ServerFixture.json(r);
        assertEquals(field, error.path("field").asText(), r.body());
        assertFalse(error.get("success").asBoolean());
        assertEquals(commandsBefore, fake.commands().size(), "no command ran: " + fake.commands());
        assertEquals(jobsBefore, fake.submitted().size(), "no job started");
    }
}
