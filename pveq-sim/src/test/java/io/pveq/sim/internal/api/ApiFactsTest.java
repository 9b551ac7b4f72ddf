package io.pveq.sim.internal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveq.core.testing.PveSchema;
import io.pveq.sim.PveRelease;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.FaultHook;
import io.pveq.sim.internal.SimTime;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.MemoryStateStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The schema facts the API face ships ({@code facts-pve8.json}, {@code facts-pve9.json}) are exactly
 * what {@code apidata.js} says for the endpoints it serves, and every served endpoint exists in the
 * release's schema. After changing the served endpoints (or the schema), regenerate them with
 * {@code mvn -pl pveq-sim -am verify -Dtest=ApiFactsTest -Dsurefire.failIfNoSpecifiedTests=false -Dpveq.sim.writeFacts=true}.
 */
class ApiFactsTest {

    private static final Pattern INDEX_RANGE = Pattern.compile("n is 0 to (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, true)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    @ParameterizedTest
    @EnumSource(value = PveRelease.class, names = {"PVE_8_4", "PVE_9_1"})
    void shippedFactsMatchTheSchemaForEveryServedEndpoint(PveRelease release) throws IOException {
        String schemaName = ApiFacts.schemaName(release);
        String generated = JSON.writeValueAsString(generate(release)) + "\n";
        String resource = "facts-" + schemaName + ".json";
        if (Boolean.getBoolean("pveq.sim.writeFacts")) {
            Files.writeString(Path.of("src/main/resources/io/pveq/sim/internal/api", resource), generated,
                    StandardCharsets.UTF_8);
        }
        String shipped;
        try (InputStream in = ApiFacts.class.getResourceAsStream(resource)) {
            shipped = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(generated, shipped, resource + " is stale: regenerate it (see this test's javadoc)");
    }

    /** @return the facts of the served endpoints and every path of the release's schema */
    static JsonNode generate(PveRelease release) throws IOException {
        String schemaName = ApiFacts.schemaName(release);
        Path file = PveSchema.referenceDir().resolve(schemaName).resolve("apidata.js");
        String text = Files.readString(file);
        JsonNode root = new ObjectMapper().readTree(text.substring(text.indexOf('['), text.lastIndexOf(']') + 1));
        Map<String, JsonNode> byPath = new TreeMap<>();
        for (JsonNode node : root) {
            index(node, byPath);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("schema", schemaName);
        ObjectNode paths = out.putObject("paths");
        byPath.forEach((path, node) -> {
            ArrayNode methods = paths.putArray(path);
            TreeSet<String> names = new TreeSet<>();
            node.path("info").fieldNames().forEachRemaining(names::add);
            names.forEach(methods::add);
        });
        ObjectNode endpoints = out.putObject("endpoints");
        for (String key : served(release)) {
            String method = key.substring(0, key.indexOf(' '));
            String template = key.substring(key.indexOf(' ') + 1);
            JsonNode info = byPath.getOrDefault(template, JsonNodeFactory.instance.objectNode()).path("info").path(method);
            assertTrue(!info.isMissingNode(), key + " is served but not in the " + schemaName + " schema");
            ObjectNode endpoint = endpoints.putObject(key);
            endpoint.set("permissions", info.path("permissions").isMissingNode() ? JsonNodeFactory.instance.objectNode()
                    : withoutDescriptions(info.path("permissions")));
            endpoint.put("allowtoken", info.path("allowtoken").asInt(1) == 1);
            if (info.has("proxyto")) {
                endpoint.put("proxyto", info.get("proxyto").asText());
            }
            ObjectNode parameters = endpoint.putObject("parameters");
            info.path("parameters").path("properties").fields().forEachRemaining(p -> {
                ObjectNode parameter = parameters.putObject(p.getKey());
                JsonNode optional = p.getValue().get("optional");
                parameter.put("required", optional == null || !(optional.asInt() == 1 || optional.asBoolean()));
                Matcher range = INDEX_RANGE.matcher(p.getValue().path("description").asText());
                if (p.getKey().endsWith("[n]") && range.find()) {
                    parameter.put("max", Integer.parseInt(range.group(1)));
                }
            });
        }
        return out;
    }

    /** @return "METHOD /template" of every endpoint the API face serves for {@code release} */
    static List<String> served(PveRelease release) {
        Engine engine = new Engine(new MemoryStateStore(), new SimTime(Clock.systemUTC(), null, 1), release,
                FaultHook.NONE, 1, Duration.ZERO, Duration.ZERO);
        engine.store().initialise(new ClusterState());
        ApiContext context = new ApiContext(engine, new Access(release.major()), null, null, "pve1", release,
                Path.of("."), new GuestRoutes.Agents());
        List<String> keys = new ArrayList<>();
        for (Endpoint endpoint : ApiRoutes.all(context)) {
            keys.add(endpoint.key());
        }
        keys.sort(null);
        return keys;
    }

    private static JsonNode withoutDescriptions(JsonNode permissions) {
        ObjectNode copy = ((ObjectNode) permissions).deepCopy();
        copy.remove("description");
        return copy;
    }

    private static void index(JsonNode node, Map<String, JsonNode> byPath) {
        byPath.put(node.path("path").asText(), node);
        for (JsonNode child : node.path("children")) {
            index(child, byPath);
        }
    }
}
