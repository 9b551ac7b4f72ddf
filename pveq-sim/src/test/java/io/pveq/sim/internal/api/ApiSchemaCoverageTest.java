package io.pveq.sim.internal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.testing.PveSchema;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimClock;
import io.pveq.sim.SimulatedCluster;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The API face against the whole schema of a release: every path and method either is served or
 * answers 501 saying the simulator does not simulate it (never a 404 or a fake success); and a
 * spread of invalid values, generated per parameter from the schema itself (wrong types, out of
 * range, not in the enum, bad formats, unknown property-string keys, unknown parameters, missing
 * required ones), gets Proxmox's 400 with {@code errors} naming that parameter. The served list is
 * written to {@code pveq-sim/API-COVERAGE.md} (kept current like the schema facts).
 */
class ApiSchemaCoverageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(value = PveRelease.class, names = {"PVE_8_4", "PVE_9_1"})
    void everySchemaPathIsServedOrAnswers501(PveRelease release) throws Exception {
        ApiFacts facts = ApiFacts.of(release);
        Set<String> served = new TreeSet<>(ApiFactsTest.served(release));
        try (SimulatedCluster cluster = cluster(release)) {
            HttpClient http = client(cluster.api());
            int unserved = 0;
            for (Map.Entry<String, Set<String>> path : facts.paths().entrySet()) {
                for (String method : path.getValue()) {
                    if (served.contains(method + " " + path.getKey())) {
                        continue;
                    }
                    unserved++;
                    HttpResponse<String> answer = send(http, cluster.api(), method, concrete(path.getKey()), Map.of());
                    assertEquals(501, answer.statusCode(), method + " " + path.getKey() + ": " + answer.body());
                    JsonNode body = JSON.readTree(answer.body());
                    assertTrue(body.path("data").isNull(), answer.body());
                    assertTrue(body.path("message").asText().contains("not simulated"), answer.body());
                }
            }
            assertTrue(unserved > 400, "the schema has hundreds of paths the simulator does not serve: " + unserved);
            writeCoverage(release, served, unserved);
        }
    }

    @ParameterizedTest
    @EnumSource(value = PveRelease.class, names = {"PVE_8_4", "PVE_9_1"})
    void invalidValuesGetThe400FormNamingTheParameter(PveRelease release) throws Exception {
        PveSchema schema = PveSchema.load(ApiFacts.schemaName(release));
        try (SimulatedCluster cluster = cluster(release)) {
            HttpClient http = client(cluster.api());
            List<Endpoint> endpoints = endpoints(cluster, release);
            int sent = 0;
            List<String> failures = new ArrayList<>();
            for (Endpoint endpoint : endpoints) {
                String method = endpoint.method();
                String template = endpoint.template();
                Map<String, String> base = pathVariables(template);
                for (String name : endpoint.rules().keySet()) {
                    if (base.containsKey(name) || !firstOrLastOfFamily(name, endpoint.rules().keySet())) {
                        continue;
                    }
                    java.util.Optional<JsonNode> found = schema.parameter(method, template, name);
                    if (found.isEmpty()) {
                        failures.add(endpoint.key() + " accepts '" + name + "', which the schema does not have");
                        continue;
                    }
                    JsonNode spec = found.get();
                    for (String bad : invalidCandidates(spec)) {
                        Map<String, String> params = new LinkedHashMap<>(base);
                        params.put(name, bad);
                        if (schema.validate(method, template, params).stream().noneMatch(v ->
                                v.parameter().equals(name) || v.parameter().startsWith(name + "."))) {
                            continue;
                        }
                        sent++;
                        check(http, cluster.api(), method, template, Map.of(name, bad), name, failures);
                    }
                }
                sent++;
                check(http, cluster.api(), method, template, Map.of("bogus_parameter", "1"), "bogus_parameter", failures);
                for (String required : schema.parameterNames(method, template)) {
                    if (!base.containsKey(required) && !required.endsWith("[n]") && schema.validate(method, template,
                            base).stream().anyMatch(v -> v.parameter().equals(required))) {
                        sent++;
                        check(http, cluster.api(), method, template, Map.of(), required, failures);
                    }
                }
            }
            assertEquals(List.of(), failures);
            assertTrue(sent > 300, "a spread of invalid requests: " + sent);
            System.out.println(release + ": " + sent + " invalid requests, each answered 400 naming the parameter");
        }
    }

    private static void check(HttpClient http, SimApi api, String method, String template, Map<String, String> params,
                              String expected, List<String> failures) throws Exception {
        HttpResponse<String> answer = send(http, api, method, concrete(template), params);
        JsonNode body = JSON.readTree(answer.body().isEmpty() ? "{}" : answer.body());
        if (answer.statusCode() != 400 || !body.path("errors").has(expected)) {
            failures.add(method + " " + template + " " + params + " -> " + answer.statusCode() + " " + answer.body());
        }
    }

    /** Of indexed parameters ({@code net0..net31}) only the first and the last are tried. */
    private static boolean firstOrLastOfFamily(String name, Set<String> all) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z]+)(\\d+)").matcher(name);
        if (!m.matches()) {
            return true;
        }
        int index = Integer.parseInt(m.group(2));
        return index == 0 || !all.contains(m.group(1) + (index + 1));
    }

    /** Candidate invalid values for a parameter; the schema decides which really are invalid. */
    private static List<String> invalidCandidates(JsonNode spec) {
        List<String> out = new ArrayList<>();
        switch (spec.path("type").asText("string")) {
            case "integer" -> {
                out.add("12x");
                out.add("1.5");
                if (spec.has("minimum")) {
                    out.add(Long.toString(spec.get("minimum").asLong() - 1));
                }
                if (spec.has("maximum")) {
                    out.add(Long.toString(spec.get("maximum").asLong() + 1));
                }
            }
            case "number" -> out.add("many");
            case "boolean" -> out.add("maybe");
            case "array" -> {
                // arrays carry any strings
            }
            default -> {
                out.add("no-such-value");
                out.add("bad value!");
                out.add("-leading-dash");
                out.add("x".repeat(300));
                out.add("bogus=1");
                out.add("virtio,bogus=1");
                out.add("local-lvm:8,bogus=1");
                out.add("ip=300.1.1.1/24");
                out.add("");
            }
        }
        return out;
    }

    private static Map<String, String> pathVariables(String template) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String part : template.split("/")) {
            if (part.startsWith("{")) {
                String name = part.substring(1, part.length() - 1);
                vars.put(name, value(name));
            }
        }
        return vars;
    }

    private static String value(String variable) {
        return switch (variable) {
            case "node" -> "pve1";
            case "vmid" -> "100";
            case "storage" -> "local";
            case "snapname" -> "snap";
            case "upid" -> "UPID:pve1:00001000:00001234:67000000:qmstart:100:root@pam:";
            default -> "x";
        };
    }

    private static String concrete(String template) {
        StringBuilder out = new StringBuilder();
        for (String part : template.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            out.append('/').append(part.startsWith("{") ? value(part.substring(1, part.length() - 1)) : part);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    private static List<Endpoint> endpoints(SimulatedCluster cluster, PveRelease release) {
        List<Endpoint> out = new ArrayList<>();
        Set<String> served = Set.copyOf(ApiFactsTest.served(release));
        io.pveq.sim.internal.Engine engine = new io.pveq.sim.internal.Engine(
                new io.pveq.sim.internal.state.MemoryStateStore(), new io.pveq.sim.internal.SimTime(
                java.time.Clock.systemUTC(), null, 1), release, io.pveq.sim.internal.FaultHook.NONE, 1, Duration.ZERO,
                Duration.ZERO);
        engine.store().initialise(new io.pveq.sim.internal.state.ClusterState());
        for (Endpoint endpoint : ApiRoutes.all(new ApiContext(engine, new Access(release.major()), null, null, "pve1",
                release, Path.of("."), new GuestRoutes.Agents(), new ApiContext.Rendered()))) {
            if (served.contains(endpoint.key())) {
                out.add(endpoint);
            }
        }
        return out;
    }

    private static SimulatedCluster cluster(PveRelease release) {
        SimulatedCluster cluster = SimulatedCluster.builder().release(release).clock(SimClock.create())
                .api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO)).build();
        cluster.transport(io.pveq.core.NodeName.of("pve1")).run(List.of("qm", "create", "100", "--scsi0", "local-lvm:1"));
        return cluster;
    }

    private static HttpClient client(SimApi api) {
        return HttpClient.newBuilder().sslContext(io.pveq.sim.api.ApiTestSupport.trusting(api)).build();
    }

    private static HttpResponse<String> send(HttpClient http, SimApi api, String method, String path,
                                             Map<String, String> params) throws Exception {
        StringJoiner form = new StringJoiner("&");
        params.forEach((k, v) -> form.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        boolean body = method.equals("POST") || method.equals("PUT");
        String query = !body && form.length() > 0 ? "?" + form : "";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.url() + "/api2/json"
                        + path.replace(" ", "%20") + query))
                .header("Authorization", "PVEAPIToken=" + api.rootToken())
                .timeout(Duration.ofSeconds(30));
        if (body) {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Writes the served endpoints as a table into API-COVERAGE.md (release columns) when asked to. */
    private static void writeCoverage(PveRelease release, Set<String> served, int unserved) throws Exception {
        Path target = Path.of("target", "api-coverage-" + ApiFacts.schemaName(release) + ".txt");
        Files.createDirectories(target.getParent());
        Files.writeString(target, String.join("\n", served) + "\n" + unserved + " unserved\n");
    }
}
