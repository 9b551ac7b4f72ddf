package io.pveq.sim.internal.api;

import io.pveq.sim.internal.params.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every endpoint the API face serves, registered by topic ({@link AccessRoutes}, {@link ClusterRoutes},
 * {@link StorageRoutes}, {@link QemuRoutes}, {@link GuestRoutes}, {@link LxcRoutes}, {@link LxcLifecycleRoutes}).
 * Path variables
 * get their rules from their names ({@code node}, {@code vmid}, {@code storage}, ...).
 */
final class ApiRoutes {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final Map<String, Rule> VARIABLE_RULES = Map.of(
            "node", ApiRules.NODE,
            "vmid", ApiRules.VMID,
            "storage", ApiRules.STORAGE,
            "upid", Rule.string(0),
            "snapname", ApiRules.CONFIG_ID,
            "volume", Rule.string(0));

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final ApiContext context;

    private ApiRoutes(ApiContext context) {
        this.context = context;
    }

    /** @return every served endpoint */
    static List<Endpoint> all(ApiContext context) {
        ApiRoutes routes = new ApiRoutes(context);
        AccessRoutes.register(routes);
        ClusterRoutes.register(routes);
        StorageRoutes.register(routes);
        QemuRoutes.register(routes);
        GuestRoutes.register(routes);
        LxcRoutes.register(routes);
        LxcLifecycleRoutes.register(routes);
        BackupRoutes.register(routes);
        ConsoleRoutes.register(routes);
        return List.copyOf(routes.endpoints);
    }

    ApiContext context() {
        return context;
    }

    Route route(String method, String template) {
        return new Route(method, template);
    }

    Route get(String template) {
        return route("GET", template);
    }

    Route post(String template) {
        return route("POST", template);
    }

    Route put(String template) {
        return route("PUT", template);
    }

    Route delete(String template) {
        return route("DELETE", template);
    }

    /** An endpoint being defined. */
    final class Route {
        private final String method;
        private final String template;
        private final Map<String, Rule> rules = new LinkedHashMap<>();
        private final List<String> arrays = new ArrayList<>();
        private boolean task;
        private Function<ApiCall, List<String>> cli;

        private Route(String method, String template) {
            this.method = method;
            this.template = template;
            Matcher m = VARIABLE.matcher(template);
            while (m.find()) {
                Rule rule = VARIABLE_RULES.get(m.group(1));
                if (rule == null) {
                    throw new IllegalArgumentException("no rule for path variable " + m.group(1));
                }
                rules.put(m.group(1), rule);
            }
        }

        Route rule(String name, Rule rule) {
            rules.put(name, rule);
            return this;
        }

        Route rules(Map<String, Rule> more) {
            more.forEach(rules::putIfAbsent);
            return this;
        }

        /** An array parameter: repeated values are kept as a list. */
        Route array(String name, Rule rule) {
            arrays.add(name);
            return rule(name, rule);
        }

        /** The endpoint answers with a UPID. */
        Route task() {
            this.task = true;
            return this;
        }

        /** The equivalent CLI command line (faults matched on it hit this endpoint too). */
        Route cli(Function<ApiCall, List<String>> argv) {
            this.cli = argv;
            return this;
        }

        void handle(Endpoint.Handler handler) {
            endpoints.add(new Endpoint(method, template, new HashMap<>(rules), arrays, handler, task,
                    Optional.ofNullable(cli)));
        }
    }
}
