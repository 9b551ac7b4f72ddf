package io.pveq.sim.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.sim.PveRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Facts of the real Proxmox VE API schema that the server needs at run time, per major release:
 * every path and its methods (so an unserved one answers 501 naming it), and for each endpoint the
 * simulator serves its permission check, whether tokens may call it, the node it is proxied to and
 * its parameter names with their required flags. Extracted from {@code apidata.js} into
 * {@code facts-pve8.json} / {@code facts-pve9.json} beside this class (the schema itself is not
 * shipped); {@code ApiFactsTest} fails when they no longer match the schema and says how to
 * regenerate them. Immutable, cached per release.
 */
final class ApiFacts {

    private static final Map<String, ApiFacts> CACHE = new ConcurrentHashMap<>();
    private static final Pattern INDEXED = Pattern.compile("([a-z_\\-]+?)(\\d+)");

    /** One served endpoint's facts. */
    record Endpoint(JsonNode permissions, boolean allowToken, Optional<String> proxyTo,
                    Map<String, Parameter> parameters) {
        /** @return the spec of {@code name}, indexed names ({@code net3}) matching {@code net[n]} */
        Optional<Parameter> parameter(String name) {
            Parameter direct = parameters.get(name);
            if (direct != null) {
                return Optional.of(direct);
            }
            Matcher indexed = INDEXED.matcher(name);
            if (!indexed.matches() || (indexed.group(2).length() > 1 && indexed.group(2).startsWith("0"))) {
                return Optional.empty();
            }
            Parameter template = parameters.get(indexed.group(1) + "[n]");
            if (template == null || Integer.parseInt(indexed.group(2)) > template.maxIndex()) {
                return Optional.empty();
            }
            return Optional.of(template);
        }

        /** @return the names of required parameters */
        Set<String> required() {
            Set<String> names = new TreeSet<>();
            parameters.forEach((name, p) -> {
                if (p.required()) {
                    names.add(name);
                }
            });
            return names;
        }
    }

    /** A parameter: required or not, and the highest index of an indexed one ({@code net[n]}). */
    record Parameter(boolean required, int maxIndex) {
    }

    private final String schema;
    private final Map<String, Set<String>> paths;
    private final Map<String, Endpoint> endpoints;

    private ApiFacts(String schema, Map<String, Set<String>> paths, Map<String, Endpoint> endpoints) {
        this.schema = schema;
        this.paths = paths;
        this.endpoints = endpoints;
    }

    /** @return the facts of the schema of {@code release} ({@code pve8} for 8.x, {@code pve9} for 9.x) */
    static ApiFacts of(PveRelease release) {
        String schema = schemaName(release);
        return CACHE.computeIfAbsent(schema, ApiFacts::load);
    }

    static String schemaName(PveRelease release) {
        return "pve" + release.major();
    }

    private static ApiFacts load(String schema) {
        String resource = "facts-" + schema + ".json";
        try (InputStream in = ApiFacts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, Set<String>> paths = new TreeMap<>();
            root.path("paths").fields().forEachRemaining(e -> {
                Set<String> methods = new TreeSet<>();
                e.getValue().forEach(m -> methods.add(m.asText()));
                paths.put(e.getKey(), Set.copyOf(methods));
            });
            Map<String, Endpoint> endpoints = new TreeMap<>();
            root.path("endpoints").fields().forEachRemaining(e -> {
                JsonNode node = e.getValue();
                Map<String, Parameter> parameters = new TreeMap<>();
                node.path("parameters").fields().forEachRemaining(p -> parameters.put(p.getKey(),
                        new Parameter(p.getValue().path("required").asBoolean(), p.getValue().path("max").asInt(-1))));
                String proxy = node.path("proxyto").asText("");
                endpoints.put(e.getKey(), new Endpoint(node.path("permissions"), node.path("allowtoken").asBoolean(),
                        proxy.isEmpty() ? Optional.empty() : Optional.of(proxy), Map.copyOf(parameters)));
            });
            return new ApiFacts(schema, Map.copyOf(paths), Map.copyOf(endpoints));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** @return {@code pve8} or {@code pve9} */
    String schema() {
        return schema;
    }

    /** @return the schema's facts of a served endpoint ({@code "POST /nodes/{node}/qemu"}) */
    Optional<Endpoint> endpoint(String method, String template) {
        return Optional.ofNullable(endpoints.get(method + " " + template));
    }

    /** @return every schema path template with its methods */
    Map<String, Set<String>> paths() {
        return paths;
    }

    /** @return the schema template a concrete path belongs to, if any (exact segments win over variables) */
    Optional<String> templateOf(String concretePath) {
        if (paths.containsKey(concretePath)) {
            return Optional.of(concretePath);
        }
        String[] parts = concretePath.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (String template : paths.keySet()) {
            String[] pattern = template.split("/", -1);
            if (pattern.length != parts.length) {
                continue;
            }
            int literals = 0;
            boolean match = true;
            for (int i = 0; i < parts.length && match; i++) {
                if (pattern[i].startsWith("{")) {
                    match = !parts[i].isEmpty();
                } else {
                    match = pattern[i].equals(parts[i]);
                    literals++;
                }
            }
            if (match && literals > bestLiterals) {
                best = template;
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }
}
