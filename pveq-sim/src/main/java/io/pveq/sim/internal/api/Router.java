package io.pveq.sim.internal.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the served endpoint of a method and concrete path; literal segments win over variables. */
final class Router {

    /** A matched endpoint and the values of its path variables. */
    record Match(Endpoint endpoint, Map<String, String> variables) {
    }

    private record Compiled(Endpoint endpoint, String[] segments, int literals) {
    }

    private final Map<String, List<Compiled>> byMethod = new HashMap<>();
    private final List<Endpoint> endpoints = new ArrayList<>();

    Router(List<Endpoint> all) {
        for (Endpoint endpoint : all) {
            String[] segments = endpoint.template().split("/", -1);
            int literals = 0;
            for (String segment : segments) {
                if (!segment.startsWith("{")) {
                    literals++;
                }
            }
            byMethod.computeIfAbsent(endpoint.method(), m -> new ArrayList<>())
                    .add(new Compiled(endpoint, segments, literals));
            endpoints.add(endpoint);
        }
    }

    List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    Optional<Match> match(String method, String path) {
        String[] parts = path.split("/", -1);
        Optional<Match> volume = volume(method, parts);
        if (volume.isPresent()) {
            return volume;
        }
        Compiled best = null;
        for (Compiled candidate : byMethod.getOrDefault(method, List.of())) {
            if (candidate.segments.length != parts.length || (best != null && candidate.literals <= best.literals)) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < parts.length && match; i++) {
                String segment = candidate.segments[i];
                match = segment.startsWith("{") ? !parts[i].isEmpty() : segment.equals(parts[i]);
            }
            if (match) {
                best = candidate;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        Map<String, String> variables = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = best.segments[i];
            if (segment.startsWith("{")) {
                variables.put(segment.substring(1, segment.length() - 1), parts[i]);
            }
        }
        return Optional.of(new Match(best.endpoint, variables));
    }

    /**
     * Proxmox registers storage content with {@code fragmentDelimiter => ''}: after {@code .../content/} the
     * whole rest of the path is one volume id, slashes included ({@code local:import/x.qcow2}), whether the
     * client encoded the slash or not.
     */
    private Optional<Match> volume(String method, String[] parts) {
        for (Compiled candidate : byMethod.getOrDefault(method, List.of())) {
            int n = candidate.segments.length;
            if (!candidate.segments[n - 1].equals("{volume}") || parts.length <= n) {
                continue;
            }
            boolean match = true;
            Map<String, String> variables = new HashMap<>();
            for (int i = 0; i < n - 1 && match; i++) {
                String segment = candidate.segments[i];
                match = segment.startsWith("{") ? !parts[i].isEmpty() : segment.equals(parts[i]);
                if (segment.startsWith("{")) {
                    variables.put(segment.substring(1, segment.length() - 1), parts[i]);
                }
            }
            if (match) {
                variables.put("volume", String.join("/", java.util.Arrays.asList(parts).subList(n - 1, parts.length)));
                return Optional.of(new Match(candidate.endpoint, variables));
            }
        }
        return Optional.empty();
    }
}
