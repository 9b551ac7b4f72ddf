package io.pveq.sim.internal;

import static io.pveq.sim.internal.params.Rule.bool;
import static io.pveq.sim.internal.params.Rule.integer;
import static io.pveq.sim.internal.params.Rule.oneOf;
import static io.pveq.sim.internal.params.Rule.string;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pveq.sim.internal.params.ArgParser;
import io.pveq.sim.internal.params.CommandSpec;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.ClusterState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The simulated {@code pvesh get} for the paths pveq reads; JSON with sorted keys, data part only. */
final class Pvesh {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final ObjectMapper PRETTY = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.INDENT_OUTPUT, true);
    private static final Pattern NODE_PATH = Pattern.compile("/nodes/([^/]+)(/.*)?");
    private static final Pattern QEMU_PATH = Pattern.compile("/qemu/(\\d+)/(status/current|config)");
    private static final Pattern TASK_STATUS = Pattern.compile("/tasks/(UPID:[^/]+)/status");

    private final Engine engine;
    private final PveshData data;
    /** Rendered answers by command line, valid while the state version and time bucket are unchanged. */
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    private record Cached(long version, long bucket, String text) {
    }

    Pvesh(Engine engine) {
        this.engine = engine;
        this.data = new PveshData(engine);
    }

    PveshData data() {
        return data;
    }

    void run(Exec exec, List<String> args) {
        String key = exec.node() + " " + args;
        long interval = engine.refreshInterval().toMillis();
        long bucket = engine.time().nowMillis() / (interval <= 0 ? 1000 : Math.min(1000, interval));
        long version = engine.store().version();
        Cached cached = cache.get(key);
        if (version >= 0 && cached != null && cached.version == version && cached.bucket == bucket) {
            exec.outText(cached.text);
            return;
        }
        String text = render(exec, args);
        if (version >= 0 && engine.store().version() == version) {
            if (cache.size() > 256) {
                cache.clear();
            }
            cache.put(key, new Cached(version, bucket, text));
        }
        exec.outText(text);
    }

    private String render(Exec exec, List<String> args) {
        if (args.isEmpty()) {
            throw new Failure("ERROR: no command specified\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]");
        }
        String method = args.get(0);
        if (!Set.of("get", "ls", "create", "set", "delete", "usage").contains(method)) {
            throw new Failure("ERROR: unknown command 'pvesh " + method + "'\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]");
        }
        if (args.size() < 2) {
            throw new Failure("400 not enough arguments\npvesh " + method + " <api_path> [OPTIONS] [FORMAT_OPTIONS]");
        }
        String path = normalise(args.get(1));
        if (!method.equals("get")) {
            throw new Failure("No '" + method + "' handler defined for '" + path + "'", 1);
        }
        Map<String, Rule> rules = new HashMap<>(Map.of("output-format", oneOf("text", "json", "json-pretty", "yaml"),
                "noborder", bool(), "noheader", bool(), "human-readable", bool()));
        Object result;
        Map<String, String> params;
        if (path.equals("/cluster/resources")) {
            rules.put("type", oneOf("vm", "storage", "node", "sdn"));
            params = parse(path, rules, args);
            result = engine.store().read(state -> data.resources(state, params.get("type")));
        } else if (path.equals("/cluster/nextid")) {
            rules.put("vmid", integer(100L, 999_999_999L));
            params = parse(path, rules, args);
            result = engine.store().read(state -> nextId(state, params.get("vmid")));
        } else if (path.equals("/nodes")) {
            params = parse(path, rules, args);
            result = engine.store().read(data::nodes);
        } else if (path.equals("/version")) {
            params = parse(path, rules, args);
            result = data.version();
        } else {
            Matcher node = NODE_PATH.matcher(path);
            if (!node.matches()) {
                throw new Failure("No 'get' handler defined for '" + path + "'", 1);
            }
            String name = node.group(1);
            String rest = node.group(2) == null ? "" : node.group(2);
            Matcher qemu = QEMU_PATH.matcher(rest);
            if (rest.equals("/storage")) {
                rules.put("content", string(0));
                rules.put("storage", string(0));
                rules.put("enabled", bool());
                rules.put("target", string(0));
                rules.put("format", bool());
            } else if (qemu.matches() && qemu.group(2).equals("config")) {
                rules.put("current", bool());
                rules.put("snapshot", string(40));
            } else if (rest.equals("/qemu") || rest.equals("/lxc")) {
                rules.put("full", bool());
            } else if (rest.equals("/tasks")) {
                rules.put("limit", integer(0L, null));
                rules.put("start", integer(0L, null));
                rules.put("vmid", integer(100L, 999_999_999L));
                rules.put("typefilter", string(0));
                rules.put("errors", bool());
                rules.put("source", oneOf("archive", "active", "all"));
            } else if (!rest.equals("/status") && !qemu.matches() && !TASK_STATUS.matcher(rest).matches()) {
                throw new Failure("No 'get' handler defined for '" + path + "'", 1);
            }
            params = parse(path, rules, args);
            result = engine.store().read(state -> {
                if (state.node(name).isEmpty()) {
                    throw new Failure("hostname lookup '" + name + "' failed - failed to get address info for: "
                            + name + ": Name or service not known");
                }
                if (!state.node(name).get().online && !name.equals(exec.node())) {
                    throw new Failure("proxy handler failed: Connection refused", 1);
                }
                if (rest.equals("/status")) {
                    return data.nodeStatus(state, name);
                }
                if (rest.equals("/storage")) {
                    return data.storages(state, name, params.get("content"), params.get("storage"));
                }
                if (rest.equals("/qemu") || rest.equals("/lxc")) {
                    return data.guests(state, name, rest.substring(1));
                }
                if (rest.equals("/tasks")) {
                    return data.tasks(state, name, params);
                }
                Matcher task = TASK_STATUS.matcher(rest);
                if (task.matches()) {
                    return data.taskStatus(state, name, task.group(1));
                }
                int vmid = Integer.parseInt(qemu.group(1));
                return qemu.group(2).equals("config") ? data.config(state, name, vmid)
                        : data.currentStatus(state, name, vmid);
            });
        }
        String format = params.getOrDefault("output-format", "text");
        try {
            return format.equals("json") ? JSON.writeValueAsString(result) + "\n"
                    : PRETTY.writeValueAsString(result) + "\n";
        } catch (JsonProcessingException e) {
            throw new Failure("cannot encode result: " + e.getMessage());
        }
    }

    private static Map<String, String> parse(String path, Map<String, Rule> rules, List<String> args) {
        CommandSpec spec = new CommandSpec(List.of("pvesh", "get", path), List.of(), rules, Set.of());
        return ArgParser.parse(spec, args.subList(2, args.size()));
    }

    private static String normalise(String path) {
        String clean = path.replaceAll("/+", "/");
        if (!clean.startsWith("/")) {
            clean = "/" + clean;
        }
        return clean.length() > 1 && clean.endsWith("/") ? clean.substring(0, clean.length() - 1) : clean;
    }

    private static String nextId(ClusterState state, String wanted) {
        if (wanted != null) {
            int id = Integer.parseInt(wanted);
            if (state.vms.containsKey(id)) {
                throw new Failure("400 Parameter verification failed.\nvmid: VM " + id + " already exists\n"
                        + "pvesh get /cluster/nextid [OPTIONS] [FORMAT_OPTIONS]");
            }
            return wanted;
        }
        int id = 100;
        while (state.vms.containsKey(id)) {
            id++;
        }
        return Integer.toString(id);
    }
}
