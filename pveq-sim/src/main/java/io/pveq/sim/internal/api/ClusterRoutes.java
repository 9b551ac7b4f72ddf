package io.pveq.sim.internal.api;

import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Cluster-wide reads, nodes, and tasks (status, log, stop, lists). */
final class ClusterRoutes {

    static final Pattern UPID = Pattern.compile("UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):"
            + "([0-9A-Fa-f]{8,9}):(-?[0-9A-Fa-f]{8}):([^:\\s]+):([^:\\s]*):([^:\\s]+):");

    private ClusterRoutes() {
    }

    static void register(ApiRoutes routes) {
        routes.get("/cluster/resources")
                .rule("type", Rule.oneOf("vm", "storage", "node", "sdn"))
                .handle(ClusterRoutes::resources);
        routes.get("/cluster/nextid")
                .rule("vmid", ApiRules.VMID)
                .handle(ClusterRoutes::nextId);
        routes.get("/cluster/status").handle(ClusterRoutes::status);
        routes.get("/cluster/tasks").handle(ClusterRoutes::clusterTasks);
        routes.get("/nodes").handle(call -> call.read(state -> {
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (Map<String, Object> node : call.data().nodes(state)) {
                if (call.has("/nodes/" + node.get("node"), "Sys.Audit")) {
                    nodes.add(node);
                } else {
                    nodes.add(new TreeMap<>(Map.of("node", node.get("node"), "status", node.get("status"),
                            "ssl_fingerprint", node.get("ssl_fingerprint"))));
                }
            }
            return nodes;
        }));
        routes.get("/nodes/{node}/status").handle(call -> call.read(state -> call.data().nodeStatus(state, call.node())));
        routes.get("/nodes/{node}/tasks")
                .rule("start", Rule.integer(0L, null))
                .rule("limit", Rule.integer(0L, null))
                .rule("vmid", ApiRules.VMID)
                .rule("typefilter", Rule.string(0))
                .rule("userfilter", Rule.string(0))
                .rule("errors", Rule.bool())
                .rule("source", Rule.oneOf("archive", "active", "all"))
                .rule("since", Rule.integer(null, null))
                .rule("until", Rule.integer(null, null))
                .handle(ClusterRoutes::nodeTasks);
        routes.get("/nodes/{node}/tasks/{upid}/status").handle(ClusterRoutes::taskStatus);
        routes.get("/nodes/{node}/tasks/{upid}/log")
                .rule("start", Rule.integer(0L, null))
                .rule("limit", Rule.integer(0L, null))
                .handle(ClusterRoutes::taskLog);
        routes.delete("/nodes/{node}/tasks/{upid}").handle(ClusterRoutes::stopTask);
    }

    private static Object resources(ApiCall call) {
        String type = call.optional("type").orElse(null);
        // the answer changes with the state and, through uptime, every second: render it once per both
        long interval = call.engine().refreshInterval().toMillis();
        long bucket = call.engine().time().nowMillis() / (interval <= 0 ? 1000 : Math.min(1000, interval));
        return call.read(state -> {
            long version = call.engine().store().version();
            if (version < 0) {
                return visibleResources(call, state, type);
            }
            String key = version + "/" + bucket + "/" + type + "/" + call.authid();
            return call.context().rendered().computeIfAbsent(key, k -> {
                try {
                    return new Answers.RawJson(JSON.writeValueAsBytes(visibleResources(call, state, type)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            });
        });
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static List<Map<String, Object>> visibleResources(ApiCall call, ClusterState state, String type) {
        {
            List<Map<String, Object>> all = call.data().resources(state, type);
            if (call.root()) {
                return all;
            }
            List<Map<String, Object>> visible = new ArrayList<>();
            for (Map<String, Object> entry : all) {
                String path = switch (String.valueOf(entry.get("type"))) {
                    case "node" -> "/nodes/" + entry.get("node");
                    case "storage" -> "/storage/" + entry.get("storage");
                    default -> "/vms/" + entry.get("vmid");
                };
                String privilege = switch (String.valueOf(entry.get("type"))) {
                    case "node" -> "Sys.Audit";
                    case "storage" -> "Datastore.Audit";
                    default -> "VM.Audit";
                };
                if (call.context().access().has(state.access, call.authid(), path, List.of(privilege), false)) {
                    visible.add(entry);
                }
            }
            return visible;
        }
    }

    private static Object nextId(ApiCall call) {
        return call.read(state -> {
            Optional<String> wanted = call.optional("vmid");
            if (wanted.isPresent()) {
                int id = Integer.parseInt(wanted.get());
                if (state.vms.containsKey(id)) {
                    throw ApiException.parameter("vmid", "VM " + id + " already exists");
                }
                return Integer.toString(id);
            }
            int id = 100;
            while (state.vms.containsKey(id)) {
                id++;
            }
            return Integer.toString(id);
        });
    }

    private static Object status(ApiCall call) {
        return call.read(state -> {
            List<Map<String, Object>> out = new ArrayList<>();
            Map<String, Object> cluster = new TreeMap<>();
            cluster.put("type", "cluster");
            cluster.put("id", "cluster");
            cluster.put("name", "pveq-sim");
            cluster.put("nodes", state.nodes.size());
            cluster.put("quorate", state.quorate() ? 1 : 0);
            cluster.put("version", state.nodes.size() + 1);
            out.add(cluster);
            int id = 1;
            for (NodeState node : state.nodes) {
                Map<String, Object> entry = new TreeMap<>();
                entry.put("type", "node");
                entry.put("id", "node/" + node.name);
                entry.put("name", node.name);
                entry.put("ip", node.address);
                entry.put("local", node.name.equals(call.context().node()) ? 1 : 0);
                entry.put("nodeid", id++);
                entry.put("online", node.online ? 1 : 0);
                entry.put("level", "");
                out.add(entry);
            }
            return out;
        });
    }

    private static Object clusterTasks(ApiCall call) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Tasks.Task task : call.context().tasks().running()) {
            if (visible(call, task.record)) {
                out.add(entry(task.record, Optional.empty()));
            }
        }
        call.read(state -> {
            for (int i = state.tasks.size() - 1; i >= 0 && out.size() < 2000; i--) {
                ClusterState.TaskRecord task = state.tasks.get(i);
                if (visible(call, task)) {
                    out.add(entry(task, Optional.of(task.status)));
                }
            }
            return null;
        });
        out.sort(Comparator.comparing((Map<String, Object> e) -> ((Number) e.get("starttime")).longValue()).reversed());
        return out;
    }

    private static boolean visible(ApiCall call, ClusterState.TaskRecord task) {
        return owner(call, task.user) || call.has("/nodes/" + task.node, "Sys.Audit");
    }

    /** The caller owns a task it started, and a user the tasks of its tokens. */
    private static boolean owner(ApiCall call, String user) {
        return user.equals(call.authid()) || user.startsWith(call.authid() + "!");
    }

    static Map<String, Object> entry(ClusterState.TaskRecord task, Optional<String> status) {
        Map<String, Object> entry = io.pveq.sim.internal.PveshData.taskEntry(task);
        if (task.user.contains("!")) {
            entry.put("tokenid", task.user.substring(task.user.indexOf('!') + 1));
            entry.put("user", task.user.substring(0, task.user.indexOf('!')));
        }
        status.ifPresent(s -> {
            entry.put("status", s);
            entry.put("endtime", task.endtime);
        });
        return entry;
    }

    private static Object nodeTasks(ApiCall call) {
        String node = call.node();
        String source = call.optional("source").orElse("archive");
        int start = Integer.parseInt(call.optional("start").orElse("0"));
        int limit = Integer.parseInt(call.optional("limit").orElse("50"));
        List<Map<String, Object>> matching = new ArrayList<>();
        if (!source.equals("archive")) {
            for (Tasks.Task task : call.context().tasks().running()) {
                if (task.record.node.equals(node) && keep(call, task.record, null)) {
                    matching.add(entry(task.record, Optional.empty()));
                }
            }
        }
        if (!source.equals("active")) {
            call.read(state -> {
                for (int i = state.tasks.size() - 1; i >= 0; i--) {
                    ClusterState.TaskRecord task = state.tasks.get(i);
                    if (task.node.equals(node) && keep(call, task, task.status)) {
                        matching.add(entry(task, Optional.of(task.status)));
                    }
                }
                return null;
            });
        }
        List<Map<String, Object>> page = matching.subList(Math.min(start, matching.size()),
                Math.min(matching.size(), start + limit));
        return new Answers.Paged(new ArrayList<>(page), matching.size());
    }

    private static boolean keep(ApiCall call, ClusterState.TaskRecord task, String status) {
        Map<String, String> p = call.params();
        if (!owner(call, task.user) && !call.has("/nodes/" + task.node, "Sys.Audit")) {
            return false;
        }
        if (p.containsKey("vmid") && !task.id.equals(p.get("vmid"))) {
            return false;
        }
        if (p.containsKey("typefilter") && !task.type.equals(p.get("typefilter"))) {
            return false;
        }
        if (p.containsKey("userfilter") && !task.user.contains(p.get("userfilter"))) {
            return false;
        }
        if ("1".equals(p.get("errors")) && (status == null || status.equals("OK") || status.startsWith("WARNINGS"))) {
            return false;
        }
        if (p.containsKey("since") && task.starttime < Long.parseLong(p.get("since"))) {
            return false;
        }
        return !p.containsKey("until") || task.starttime <= Long.parseLong(p.get("until"));
    }

    /** @return the task's record (running here, or finished anywhere), after the not-yet-visible window */
    private static Optional<Object[]> find(ApiCall call, String upid) {
        if (!UPID.matcher(upid).matches()) {
            throw ApiException.parameter("upid", "unable to parse worker upid");
        }
        Optional<Tasks.Task> running = call.context().tasks().get(upid);
        if (running.isPresent()) {
            if (running.get().hiddenFromPoll()) {
                return Optional.empty();
            }
            return Optional.of(new Object[] {running.get().record, running.get()});
        }
        return call.read(state -> {
            for (int i = state.tasks.size() - 1; i >= 0; i--) {
                if (state.tasks.get(i).upid.equals(upid)) {
                    return Optional.of(new Object[] {state.tasks.get(i), null});
                }
            }
            return Optional.empty();
        });
    }

    private static void checkOwner(ApiCall call, ClusterState.TaskRecord task, String privilege) {
        if (!owner(call, task.user)) {
            call.check("/nodes/" + call.node(), privilege);
        }
    }

    private static Object taskStatus(ApiCall call) {
        Object[] found = find(call, call.param("upid"))
                .orElseThrow(() -> ApiException.parameter("upid", "no such task"));
        ClusterState.TaskRecord record = (ClusterState.TaskRecord) found[0];
        checkOwner(call, record, "Sys.Audit");
        Tasks.Task task = (Tasks.Task) found[1];
        Map<String, Object> status = entry(record, Optional.empty());
        status.remove("tokenid");
        status.put("user", record.user);
        if (task != null && !task.done()) {
            status.put("status", "running");
        } else {
            status.put("status", "stopped");
            status.put("exitstatus", task != null ? task.exitStatus().orElse(record.status) : record.status);
        }
        return status;
    }

    private static Object taskLog(ApiCall call) {
        int start = Integer.parseInt(call.optional("start").orElse("0"));
        int limit = Integer.parseInt(call.optional("limit").orElse("50"));
        Optional<Object[]> found = find(call, call.param("upid"));
        List<String> lines;
        if (found.isEmpty()) {
            lines = List.of("unable to open file - No such file or directory");
        } else {
            ClusterState.TaskRecord record = (ClusterState.TaskRecord) found.get()[0];
            checkOwner(call, record, "Sys.Audit");
            Tasks.Task task = (Tasks.Task) found.get()[1];
            lines = task != null ? task.log()
                    : List.of(record.status.equals("OK") ? "TASK OK" : record.status.startsWith("WARNINGS: ")
                    ? "TASK " + record.status : "TASK ERROR: " + record.status);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = start; i < lines.size() && out.size() < limit; i++) {
            Map<String, Object> line = new TreeMap<>();
            line.put("n", i + 1);
            line.put("t", lines.get(i));
            out.add(line);
        }
        return new Answers.Paged(out, lines.size());
    }

    private static Object stopTask(ApiCall call) {
        String upid = call.param("upid");
        Matcher m = UPID.matcher(upid);
        if (!m.matches()) {
            throw ApiException.parameter("upid", "unable to parse worker upid");
        }
        Optional<Object[]> found = find(call, upid);
        if (found.isEmpty()) {
            throw ApiException.parameter("upid", "no such task");
        }
        ClusterState.TaskRecord record = (ClusterState.TaskRecord) found.get()[0];
        checkOwner(call, record, "Sys.Modify");
        call.context().tasks().stop(upid);
        return null;
    }
}
