package io.pveq.sim.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.testing.PveSchema;
import io.pveq.core.testing.ReturnsValidator;
import io.pveq.core.testing.SchemaViolation;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApiExchange;
import io.pveq.sim.SimApiObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.opentest4j.TestAbortedException;

/**
 * Holds every exchange of the simulator's REST API face to the real schema of its release
 * ({@code apidata.js} of PVE 8.4 or 9.1): each request the simulator accepted must be valid against
 * the endpoint's {@code parameters}, each 200 answer's {@code data} against its {@code returns}.
 * A violation is thrown at the simulator (which answers {@code 500 pveq-sim observer: ...} instead,
 * so the client under test sees it) and kept for {@link ApiConformanceExtension} to fail the test
 * with. Installed JVM-wide by {@link ApiConformanceSession} when a JUnit session starts; when the
 * shared reference data is absent it checks nothing. Thread-safe.
 */
public final class ApiConformance implements SimApiObserver {

    private static final ApiConformance SHARED = new ApiConformance();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Optional<PveSchema>> schemas = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicLong checked = new AtomicLong();

    /** @return the JVM-wide instance */
    public static ApiConformance shared() {
        return SHARED;
    }

    @Override
    public void exchanged(SimApiExchange exchange) {
        if (exchange.template().isEmpty()) {
            return;
        }
        Optional<PveSchema> schema = schemas.computeIfAbsent("pve" + exchange.release().major(), ApiConformance::load);
        if (schema.isEmpty()) {
            return;
        }
        checked.incrementAndGet();
        List<SchemaViolation> found = check(schema.get(), exchange);
        if (!found.isEmpty()) {
            String text = exchange.method() + " " + exchange.path() + " (" + exchange.template().get() + ", "
                    + schema.get().version() + ") breaks the schema: " + found;
            violations.add(text);
            throw new AssertionError(text);
        }
    }

    /** @return the violations of one exchange against a schema */
    public static List<SchemaViolation> check(PveSchema schema, SimApiExchange exchange) {
        String method = exchange.method();
        String template = exchange.template().orElseThrow();
        List<SchemaViolation> found = new ArrayList<>();
        if (exchange.verified()) {
            Map<String, String> scalars = new LinkedHashMap<>(exchange.parameters());
            exchange.arrays().keySet().forEach(scalars::remove);
            found.addAll(schema.validate(method, template, scalars).stream()
                    .filter(v -> !(exchange.arrays().containsKey(v.parameter())
                            && v.message().equals("required parameter is missing")))
                    .toList());
            exchange.arrays().forEach((name, values) -> schema.parameter(method, template, name).ifPresentOrElse(
                    spec -> found.addAll(ReturnsValidator.validateArrayParameter(name, spec, values)),
                    () -> found.add(new SchemaViolation(name, "unknown parameter"))));
        }
        if (exchange.status() == 200) {
            Optional<JsonNode> returns = schema.returns(method, template);
            if (returns.isEmpty()) {
                found.add(new SchemaViolation(method + " " + template, "no such endpoint in " + schema.version()));
            } else {
                try {
                    JsonNode body = JSON.readTree(exchange.body());
                    found.addAll(ReturnsValidator.validate(returns.get(), body.path("data")));
                } catch (IOException e) {
                    found.add(new SchemaViolation("body", "not JSON: " + e.getMessage()));
                }
            }
        }
        return found;
    }

    /**
     * What a server in another process recorded (see {@code PVEQ_SIM_API_RECORD}) held to the schema.
     *
     * @param checked    exchanges checked (those served as an endpoint of the schema)
     * @param violations one line per exchange that breaks the schema
     */
    public record Recording(long checked, List<String> violations) {
    }

    /**
     * Checks every exchange a server in another process recorded, as the in-process servers are
     * checked as they answer.
     *
     * @param file the file named by {@code PVEQ_SIM_API_RECORD} when the process started
     * @return what was checked and what broke the schema (nothing checked when the reference data is absent)
     * @throws IOException when the file cannot be read
     */
    public static Recording checkRecording(Path file) throws IOException {
        long checked = 0;
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            SimApiExchange exchange = recorded(JSON.readTree(line));
            if (exchange.template().isEmpty()) {
                continue;
            }
            Optional<PveSchema> schema = SHARED.schemas.computeIfAbsent("pve" + exchange.release().major(),
                    ApiConformance::load);
            if (schema.isEmpty()) {
                continue;
            }
            checked++;
            List<SchemaViolation> violations = check(schema.get(), exchange);
            if (!violations.isEmpty()) {
                found.add(exchange.method() + " " + exchange.path() + " (" + exchange.template().get() + ", "
                        + schema.get().version() + ") breaks the schema: " + violations);
            }
        }
        return new Recording(checked, List.copyOf(found));
    }

    private static SimApiExchange recorded(JsonNode line) {
        Map<String, String> parameters = new LinkedHashMap<>();
        line.path("parameters").fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
        Map<String, List<String>> arrays = new LinkedHashMap<>();
        line.path("arrays").fields().forEachRemaining(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            arrays.put(e.getKey(), values);
        });
        JsonNode template = line.path("template");
        return new SimApiExchange(PveRelease.valueOf(line.path("release").asText()),
                line.path("method").asText(), line.path("path").asText(),
                template.isTextual() ? Optional.of(template.asText()) : Optional.empty(), parameters, arrays,
                line.path("verified").asBoolean(), line.path("authid").asText(), line.path("status").asInt(),
                line.path("reason").asText(), line.path("body").asText());
    }

    /** @return violations recorded since the last {@link #drain()} */
    public List<String> drain() {
        List<String> copy = List.copyOf(violations);
        violations.removeAll(copy);
        return copy;
    }

    /** @return how many exchanges were checked */
    public long checked() {
        return checked.get();
    }

    private static Optional<PveSchema> load(String version) {
        try {
            return Optional.of(PveSchema.load(version));
        } catch (TestAbortedException e) {
            return Optional.empty();
        }
    }
}
