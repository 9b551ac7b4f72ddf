package io.pveq.sim.internal;

import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.StorageState;
import io.pveq.sim.internal.state.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The JSON data of the API paths the simulator answers, with Proxmox's field names and types. */
public final class PveshData {

    /** Config keys the API returns as numbers. */
    private static final Set<String> NUMERIC = Set.of("cores", "sockets", "balloon", "vcpus", "onboot", "numa",
            "template", "protection", "kvm", "acpi", "tablet", "ciupgrade", "localtime");

    private final Engine engine;

    PveshData(Engine engine) {
        this.engine = engine;
    }

    public List<Map<String, Object>> resources(ClusterState state, String type) {
        List<Map<String, Object>> out = new ArrayList<>();
        long now = engine.time().nowMillis();
        long interval = Math.max(1, engine.refreshInterval().toMillis());
        long lastRefresh = now / interval * interval;
        if (type == null || type.equals("node")) {
            for (NodeState node : state.nodes) {
                out.add(nodeEntry(state, node));
            }
        }
        if (type == null || type.equals("vm")) {
            for (VmState vm : state.vms.values()) {
                Map<String, Object> entry = new TreeMap<>();
                entry.put("id", vm.type + "/" + vm.vmid);
                entry.put("vmid", vm.vmid);
                entry.put("node", vm.node);
                entry.put("type", vm.type);
                if (vm.createdAtMillis >= lastRefresh && engine.refreshInterval().toMillis() > 0) {
                    entry.put("status", "unknown");
                } else {
                    guestStats(vm, entry);
                    entry.put("disk", 0);
                    entry.put("template", "1".equals(vm.config.get("template")) ? 1 : 0);
                    if (vm.config.containsKey("tags")) {
                        entry.put("tags", vm.config.get("tags").replace(',', ';').replace(' ', ';'));
                    }
                    if (vm.config.containsKey("lock")) {
                        entry.put("lock", vm.config.get("lock"));
                    }
                }
                out.add(entry);
            }
        }
        if (type == null || type.equals("storage")) {
            for (NodeState node : state.nodes) {
                for (StorageState storage : node.storages) {
                    Map<String, Object> entry = new TreeMap<>();
                    entry.put("id", "storage/" + node.name + "/" + storage.id);
                    entry.put("type", "storage");
                    entry.put("storage", storage.id);
                    entry.put("node", node.name);
                    entry.put("plugintype", storage.type);
                    entry.put("content", String.join(",", storage.content));
                    entry.put("shared", storage.shared ? 1 : 0);
                    entry.put("status", node.online && storage.enabled ? "available" : "unknown");
                    entry.put("disk", Usage.storageUsed(state, node.name, storage));
                    entry.put("maxdisk", storage.totalBytes);
                    out.add(entry);
                }
            }
        }
        return out;
    }

    private void guestStats(VmState vm, Map<String, Object> entry) {
        long maxmem = QmQuery.memoryMb(vm) << 20;
        entry.put("status", vm.running() ? "running" : "stopped");
        entry.put("name", vm.config.getOrDefault("name", "VM " + vm.vmid));
        entry.put("maxcpu", QmQuery.cpus(vm));
        entry.put("cpu", vm.running() ? 0.02 : 0);
        entry.put("maxmem", maxmem);
        entry.put("mem", vm.running() ? maxmem / 4 : 0);
        entry.put("maxdisk", QmQuery.bootDiskBytes(vm));
        entry.put("uptime", vm.running() ? Math.max(0, (engine.time().nowMillis() - vm.startedAtMillis) / 1000) : 0);
        entry.put("netin", 0);
        entry.put("netout", 0);
        entry.put("diskread", 0);
        entry.put("diskwrite", 0);
    }

    private Map<String, Object> nodeEntry(ClusterState state, NodeState node) {
        Map<String, Object> entry = new TreeMap<>();
        entry.put("id", "node/" + node.name);
        entry.put("type", "node");
        entry.put("node", node.name);
        entry.put("status", node.online ? "online" : "offline");
        if (node.online) {
            entry.put("cpu", Usage.nodeCpu(state, node));
            entry.put("maxcpu", node.cores);
            entry.put("mem", Usage.nodeMemoryUsed(state, node));
            entry.put("maxmem", node.memoryBytes);
            entry.put("disk", node.rootfsBytes / 10);
            entry.put("maxdisk", node.rootfsBytes);
            entry.put("uptime", Math.max(0, (engine.time().nowMillis() - node.bootedAtMillis) / 1000));
            entry.put("level", "");
            entry.put("cgroup-mode", 2);
        }
        return entry;
    }

    public List<Map<String, Object>> nodes(ClusterState state) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (NodeState node : state.nodes) {
            Map<String, Object> entry = nodeEntry(state, node);
            entry.remove("cgroup-mode");
            entry.put("ssl_fingerprint", fingerprint(node.name));
            out.add(entry);
        }
        return out;
    }

    public Map<String, Object> version() {
        Map<String, Object> out = new TreeMap<>();
        String version = engine.release().managerVersion();
        out.put("version", version);
        out.put("release", version.substring(0, version.lastIndexOf('.')));
        out.put("repoid", "b502d23c55afcba1".substring(0, 16));
        return out;
    }

    public Map<String, Object> nodeStatus(ClusterState state, String name) {
        NodeState node = state.node(name).orElseThrow();
        Map<String, Object> out = new TreeMap<>();
        Map<String, Object> cpuinfo = new TreeMap<>();
        cpuinfo.put("cores", Math.max(1, node.cores / 2));
        cpuinfo.put("cpus", node.cores);
        cpuinfo.put("flags", node.cpuFlags);
        cpuinfo.put("hvm", "1");
        cpuinfo.put("mhz", "3400.000");
        cpuinfo.put("model", node.cpuModel);
        cpuinfo.put("sockets", node.sockets);
        cpuinfo.put("user_hz", 100);
        out.put("cpuinfo", cpuinfo);
        out.put("cpu", Usage.nodeCpu(state, node));
        out.put("idle", 0);
        out.put("wait", 0);
        long used = Usage.nodeMemoryUsed(state, node);
        out.put("memory", new TreeMap<>(Map.of("total", node.memoryBytes, "used", used, "free",
                node.memoryBytes - used, "available", node.memoryBytes - used)));
        out.put("swap", new TreeMap<>(Map.of("total", 1073737728L, "used", 0L, "free", 1073737728L)));
        out.put("rootfs", new TreeMap<>(Map.of("total", node.rootfsBytes, "used", node.rootfsBytes / 10,
                "free", node.rootfsBytes - node.rootfsBytes / 10, "avail", node.rootfsBytes - node.rootfsBytes / 10)));
        out.put("loadavg", List.of("0.16", "0.10", "0.02"));
        out.put("pveversion", "pve-manager/" + engine.release().managerVersion() + "/b502d23c55afcba1");
        String kernel = engine.release().major() >= 9 ? "6.17.2-1-pve" : "6.8.12-15-pve";
        out.put("kversion", "Linux " + kernel + " #1 SMP PREEMPT_DYNAMIC PMX " + kernel);
        out.put("current-kernel", new TreeMap<>(Map.of("machine", "x86_64", "release", kernel, "sysname", "Linux",
                "version", "#1 SMP PREEMPT_DYNAMIC PMX " + kernel)));
        out.put("boot-info", Map.of("mode", "efi", "secureboot", 0));
        out.put("ksm", Map.of("shared", 0));
        out.put("uptime", Math.max(0, (engine.time().nowMillis() - node.bootedAtMillis) / 1000));
        return out;
    }

    public List<Map<String, Object>> storages(ClusterState state, String name, String content, String only) {
        NodeState node = state.node(name).orElseThrow();
        List<Map<String, Object>> out = new ArrayList<>();
        for (StorageState storage : node.storages) {
            if ((content != null && !storage.content.contains(content)) || (only != null && !storage.id.equals(only))) {
                continue;
            }
            Map<String, Object> entry = new TreeMap<>();
            entry.put("storage", storage.id);
            entry.put("type", storage.type);
            entry.put("content", String.join(",", storage.content));
            entry.put("active", storage.enabled ? 1 : 0);
            entry.put("enabled", storage.enabled ? 1 : 0);
            entry.put("shared", storage.shared ? 1 : 0);
            long used = storage.enabled ? Usage.storageUsed(state, name, storage) : 0;
            long total = storage.enabled ? storage.totalBytes : 0;
            entry.put("total", total);
            entry.put("used", used);
            entry.put("avail", total - used);
            if (total > 0) {
                entry.put("used_fraction", used / (double) total);
            }
            out.add(entry);
        }
        return out;
    }

    public List<Map<String, Object>> guests(ClusterState state, String node, String type) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VmState vm : state.vms.values()) {
            if (vm.node.equals(node) && vm.type.equals(type)) {
                Map<String, Object> entry = new TreeMap<>();
                guestStats(vm, entry);
                entry.put("vmid", vm.vmid);
                entry.put("cpus", QmQuery.cpus(vm));
                entry.remove("maxcpu");
                entry.put("disk", 0);
                if (vm.running()) {
                    entry.put("pid", vm.pid);
                }
                out.add(entry);
            }
        }
        return out;
    }

    public Map<String, Object> config(ClusterState state, String node, int vmid) {
        VmState vm = Engine.localVm(state, node, vmid);
        Map<String, Object> out = new TreeMap<>();
        vm.config.forEach((k, v) -> out.put(k, k.equals("cipassword") ? VmSettings.HIDDEN
                : NUMERIC.contains(k) && v.matches("\\d+") ? (Object) Long.parseLong(v) : v));
        out.put("digest", QmQuery.digest(vm));
        return out;
    }

    public Map<String, Object> currentStatus(ClusterState state, String node, int vmid) {
        VmState vm = Engine.localVm(state, node, vmid);
        Map<String, Object> out = new TreeMap<>();
        guestStats(vm, out);
        out.remove("maxcpu");
        out.put("cpus", QmQuery.cpus(vm));
        out.put("vmid", vmid);
        out.put("qmpstatus", vm.running() ? (vm.paused ? "paused" : "running") : "stopped");
        out.put("ha", Map.of("managed", 0));
        out.put("disk", 0);
        if (vm.running()) {
            out.put("pid", vm.pid);
        }
        if (vm.config.containsKey("lock")) {
            out.put("lock", vm.config.get("lock"));
        }
        return out;
    }

    public List<Map<String, Object>> tasks(ClusterState state, String node, Map<String, String> params) {
        List<Map<String, Object>> out = new ArrayList<>();
        int limit = Integer.parseInt(params.getOrDefault("limit", "50"));
        int skip = Integer.parseInt(params.getOrDefault("start", "0"));
        for (int i = state.tasks.size() - 1; i >= 0 && out.size() < limit; i--) {
            ClusterState.TaskRecord task = state.tasks.get(i);
            if (!task.node.equals(node) || (params.containsKey("vmid") && !task.id.equals(params.get("vmid")))
                    || (params.containsKey("typefilter") && !task.type.equals(params.get("typefilter")))
                    || ("1".equals(params.get("errors")) && task.status.equals("OK"))) {
                continue;
            }
            if (skip-- > 0) {
                continue;
            }
            Map<String, Object> entry = taskEntry(task);
            entry.put("endtime", task.endtime);
            entry.put("status", task.status);
            out.add(entry);
        }
        return out;
    }

    public Map<String, Object> taskStatus(ClusterState state, String node, String upid) {
        for (ClusterState.TaskRecord task : state.tasks) {
            if (task.upid.equals(upid) && task.node.equals(node)) {
                Map<String, Object> entry = taskEntry(task);
                entry.put("status", "stopped");
                entry.put("exitstatus", task.status);
                return entry;
            }
        }
        throw new Failure("unable to parse worker upid '" + upid + "'");
    }

    /** @return the fields a task list shows for a task (without its status) */
    public static Map<String, Object> taskEntry(ClusterState.TaskRecord task) {
        Map<String, Object> entry = new TreeMap<>();
        entry.put("upid", task.upid);
        entry.put("node", task.node);
        entry.put("pid", task.pid);
        entry.put("pstart", task.pstart);
        entry.put("starttime", task.starttime);
        entry.put("type", task.type);
        entry.put("id", task.id);
        entry.put("user", task.user);
        return entry;
    }

    private static String fingerprint(String name) {
        String hex = CloudInit.sha1("node-" + name).toUpperCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, (i * 2) % 40, (i * 2) % 40 + 2);
        }
        return out.toString();
    }
}
