package io.pveq.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The Proxmox VE REST API schema ({@code apidata.js}) of one PVE release, read for tests.
 *
 * <p>Finds an endpoint by method and path ({@code qm create} is {@code POST /nodes/{node}/qemu},
 * {@code qm set} is {@code POST /nodes/{node}/qemu/{vmid}/config}, {@code pvesh get P} is
 * {@code GET P}) and validates a map of parameter values as a CLI would pass them (all strings):
 * the option exists (indexed options such as {@code net0} match {@code net[n]} within the documented
 * range), types, enums, minimum/maximum, lengths, patterns and formats, including property strings
 * described key by key (keys exist, aliases, the default key, nested value rules) and the named
 * formats pveq uses (see {@link NamedFormats}). Required parameters that are missing are violations.
 *
 * <p>Use {@link #load(String)} from tests: it skips the test (JUnit assumption) with a clear message
 * when the shared reference data is absent. Instances are immutable and thread-safe; loaded schemas
 * are cached per version.
 */
public final class PveSchema {

    /** The system property naming the shared directory (set by the root pom to {@code ../shared}). */
    public static final String SHARED_DIR_PROPERTY = "pveq.shared.dir";

    /** The PVE releases whose schema is kept in the shared reference data. */
    public static final List<String> VERSIONS = List.of("pve8", "pve9");

    private static final Map<String, PveSchema> CACHE = new ConcurrentHashMap<>();
    private static final Pattern INDEX_RANGE = Pattern.compile("n is 0 to (\\d+)");

    private final String version;
    private final Map<String, JsonNode> nodesByPath;

    private PveSchema(String version, Map<String, JsonNode> nodesByPath) {
        this.version = version;
        this.nodesByPath = nodesByPath;
    }

    /**
     * Locates {@code shared/reference/proxmox} from the system property {@value #SHARED_DIR_PROPERTY}.
     *
     * @return the reference directory
     * @throws org.opentest4j.TestAbortedException (test skipped) when the property or folder is absent
     */
    public static Path referenceDir() {
        String shared = System.getProperty(SHARED_DIR_PROPERTY);
        Assumptions.assumeTrue(shared != null && !shared.isBlank(),
                "skipped: system property " + SHARED_DIR_PROPERTY + " is not set (run through Maven,"
                        + " or pass -D" + SHARED_DIR_PROPERTY + "=/path/to/shared)");
        Path reference = Path.of(shared).resolve("reference").resolve("proxmox");
        Assumptions.assumeTrue(Files.isDirectory(reference),
                "skipped: Proxmox reference data not found at " + reference.toAbsolutePath()
                        + " (a clone without the shared folder)");
        return reference;
    }

    /**
     * @param version {@code pve8} or {@code pve9}
     * @return true when the reference data of that release is present (no test is skipped by asking)
     */
    public static boolean available(String version) {
        String shared = System.getProperty(SHARED_DIR_PROPERTY);
        return shared != null && !shared.isBlank() && Files.isRegularFile(Path.of(shared).resolve("reference")
                .resolve("proxmox").resolve(version).resolve("apidata.js"))
                && Files.isRegularFile(Path.of(shared).resolve("reference").resolve("proxmox").resolve(version)
                .resolve("qm.1-synopsis.adoc"));
    }

    /**
     * Loads (once per version) the schema of a PVE release, skipping the test when absent.
     *
     * @param version {@code pve8} or {@code pve9}
     * @return the schema
     */
    public static PveSchema load(String version) {
        if (!VERSIONS.contains(version)) {
            throw new IllegalArgumentException("unknown PVE version " + version + ", expected one of " + VERSIONS);
        }
        Path file = referenceDir().resolve(version).resolve("apidata.js");
        Assumptions.assumeTrue(Files.isRegularFile(file), "skipped: " + file + " is absent");
        return CACHE.computeIfAbsent(version, v -> parse(v, file));
    }

    private static PveSchema parse(String version, Path file) {
        try {
            String text = Files.readString(file);
            // The file is JavaScript: "var pveapi = [...];" (older) or "const apiSchema = [...];" (newer).
            int start = text.indexOf('[');
            int end = text.lastIndexOf(']');
            if (start < 0 || end < start) {
                throw new IllegalStateException(file + " holds no JSON array");
            }
            JsonNode root = new ObjectMapper().readTree(text.substring(start, end + 1));
            Map<String, JsonNode> byPath = new HashMap<>();
            for (JsonNode node : root) {
                index(node, byPath);
            }
            return new PveSchema(version, Map.copyOf(byPath));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void index(JsonNode node, Map<String, JsonNode> byPath) {
        byPath.put(node.path("path").asText(), node);
        for (JsonNode child : node.path("children")) {
            index(child, byPath);
        }
    }

    /** @return {@code pve8} or {@code pve9} */
    public String version() {
        return version;
    }

    /**
     * @param method GET, POST, PUT or DELETE
     * @param path   an API path template, e.g. {@code /nodes/{node}/qemu/{vmid}/config}
     * @return true when the schema defines that method on that path
     */
    public boolean hasEndpoint(String method, String path) {
        return endpoint(method, path).isPresent();
    }

    /**
     * Maps a concrete path ({@code /nodes/pve1/qemu/100/status/current}) to its template
     * ({@code /nodes/{node}/qemu/{vmid}/status/current}) and the values of the template's variables.
     *
     * @param concretePath a path as given to {@code pvesh}
     * @return the template and variable values, if a template matches
     */
    public Optional<Map.Entry<String, Map<String, String>>> matchPath(String concretePath) {
        if (nodesByPath.containsKey(concretePath)) {
            return Optional.of(Map.entry(concretePath, Map.of()));
        }
        String[] parts = concretePath.split("/", -1);
        for (String template : nodesByPath.keySet()) {
            String[] pattern = template.split("/", -1);
            if (pattern.length != parts.length) {
                continue;
            }
            Map<String, String> vars = new HashMap<>();
            boolean match = true;
            for (int i = 0; i < parts.length && match; i++) {
                if (pattern[i].startsWith("{") && pattern[i].endsWith("}")) {
                    vars.put(pattern[i].substring(1, pattern[i].length() - 1), parts[i]);
                } else {
                    match = pattern[i].equals(parts[i]);
                }
            }
            if (match) {
                return Optional.of(Map.entry(template, Map.copyOf(vars)));
            }
        }
        // storage content is registered with fragmentDelimiter '': the rest of the path is one volume id
        int content = concretePath.indexOf("/content/");
        if (concretePath.startsWith("/nodes/") && content > 0) {
            String head = concretePath.substring(0, content + "/content/".length());
            String volume = concretePath.substring(head.length());
            if (volume.contains("/")) {
                return matchPath(head + volume.replace("/", "%2F")).map(m -> {
                    Map<String, String> vars = new HashMap<>(m.getValue());
                    vars.computeIfPresent("volume", (k, v) -> v.replace("%2F", "/"));
                    return Map.entry(m.getKey(), Map.copyOf(vars));
                });
            }
        }
        return Optional.empty();
    }

    /**
     * Validates parameters for one endpoint. Path variables ({@code node}, {@code vmid}) are parameters
     * too and must be included when the endpoint requires them.
     *
     * @param method GET, POST, PUT or DELETE
     * @param path   the API path template
     * @param params parameter name to value as a CLI passes it (booleans {@code 1}/{@code 0}, ...)
     * @return the violations, empty when all is well; one violation when the endpoint is unknown
     */
    public List<SchemaViolation> validate(String method, String path, Map<String, String> params) {
        Objects.requireNonNull(params, "params");
        Optional<JsonNode> endpoint = endpoint(method, path);
        if (endpoint.isEmpty()) {
            return List.of(new SchemaViolation(method + " " + path, "no such endpoint in " + version));
        }
        JsonNode properties = endpoint.get().path("parameters").path("properties");
        List<SchemaViolation> violations = new ArrayList<>();
        SchemaValidator validator = new SchemaValidator(violations);
        for (Map.Entry<String, String> param : params.entrySet()) {
            Optional<JsonNode> spec = parameterSpec(properties, param.getKey());
            if (spec.isEmpty()) {
                violations.add(new SchemaViolation(param.getKey(), "unknown parameter for " + method + " " + path
                        + " in " + version));
            } else {
                validator.checkValue(param.getKey(), spec.get(), param.getValue());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            if (!SchemaValidator.isOptional(property.getValue()) && !property.getKey().endsWith("[n]")
                    && !params.containsKey(property.getKey())) {
                violations.add(new SchemaViolation(property.getKey(), "required parameter is missing"));
            }
        }
        return List.copyOf(violations);
    }

    /**
     * @return the names of the parameters of an endpoint ({@code net[n]} style for indexed ones)
     */
    public Set<String> parameterNames(String method, String path) {
        Set<String> names = new TreeSet<>();
        endpoint(method, path).ifPresent(e -> e.path("parameters").path("properties").fieldNames()
                .forEachRemaining(names::add));
        return names;
    }

    /**
     * @return the {@code returns} schema of an endpoint (what its {@code data} must look like), if the
     *         endpoint exists
     */
    public Optional<JsonNode> returns(String method, String path) {
        return endpoint(method, path).map(info -> info.path("returns"));
    }

    /** @return the schema of one parameter of an endpoint ({@code net3} finds {@code net[n]}), if any */
    public Optional<JsonNode> parameter(String method, String path, String name) {
        return endpoint(method, path).flatMap(info -> parameterSpec(info.path("parameters").path("properties"), name));
    }

    private Optional<JsonNode> endpoint(String method, String path) {
        JsonNode node = nodesByPath.get(path);
        if (node == null) {
            return Optional.empty();
        }
        JsonNode info = node.path("info").path(method.toUpperCase(Locale.ROOT));
        return info.isMissingNode() ? Optional.empty() : Optional.of(info);
    }

    private static Optional<JsonNode> parameterSpec(JsonNode properties, String name) {
        JsonNode direct = properties.get(name);
        if (direct != null) {
            return Optional.of(direct);
        }
        Matcher indexed = Pattern.compile("([a-z_]+)(\\d+)").matcher(name);
        if (!indexed.matches()) {
            return Optional.empty();
        }
        JsonNode template = properties.get(indexed.group(1) + "[n]");
        if (template == null) {
            return Optional.empty();
        }
        Matcher range = INDEX_RANGE.matcher(template.path("description").asText());
        int index = Integer.parseInt(indexed.group(2));
        if (range.find() && index > Integer.parseInt(range.group(1))) {
            return Optional.empty();
        }
        if (indexed.group(2).length() > 1 && indexed.group(2).startsWith("0")) {
            return Optional.empty();
        }
        return Optional.of(template);
    }
}
