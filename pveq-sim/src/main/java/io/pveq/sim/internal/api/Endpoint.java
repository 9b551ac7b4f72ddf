package io.pveq.sim.internal.api;

import io.pveq.sim.internal.params.Rule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One served API endpoint: method, schema path template, the rules its parameters are verified with
 * (path variables included), what it does, and for operations that have a CLI twin the equivalent
 * {@code qm} command line (so faults injected with {@code faults().on("qm", "start")} hit the API
 * call too).
 *
 * @param method   GET, POST, PUT or DELETE
 * @param template e.g. {@code /nodes/{node}/qemu/{vmid}/status/start}
 * @param rules    parameter name to rule
 * @param arrays   parameters of type array (their values arrive repeated)
 * @param handler  the work; returns the {@code data} of the answer
 * @param task     true when it answers with a UPID (its work runs as a task)
 * @param cli      the equivalent CLI argv, if any
 */
record Endpoint(String method, String template, Map<String, Rule> rules, List<String> arrays, Handler handler,
                boolean task, Optional<Function<ApiCall, List<String>>> cli) {

    /** Does the work of an endpoint. */
    @FunctionalInterface
    interface Handler {
        /** @return the answer's {@code data}: maps, lists, strings, numbers or null */
        Object handle(ApiCall call);
    }

    Endpoint {
        rules = Map.copyOf(rules);
        arrays = List.copyOf(arrays);
    }

    /** @return {@code "METHOD /template"} */
    String key() {
        return method + " " + template;
    }
}
