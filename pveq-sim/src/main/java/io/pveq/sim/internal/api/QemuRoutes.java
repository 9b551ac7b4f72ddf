package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Exec;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.Qm;
import io.pveq.sim.internal.QmQuery;
import io.pveq.sim.internal.params.Formats;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.VmState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * QEMU VMs: list, create, config read and update, destroy, status and every power action, migrate,
 * resize, clone, template and snapshots. Each drives the same {@code qm} operation the CLI face
 * runs, with the same parameter rules; what Proxmox checks within the request (existence, state,
 * privileges per option, the VMID claim) happens before the task starts, the rest in the task.
 */
final class QemuRoutes {

    static final String VM = "/nodes/{node}/qemu/{vmid}";

    private QemuRoutes() {
    }

    static void register(ApiRoutes routes) {
        Qm qm = routes.context().engine().qm();
        routes.get("/nodes/{node}/qemu").rule("full", Rule.bool()).handle(call -> call.read(state -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> entry : call.data().guests(state, call.node(), "qemu")) {
                if (call.context().access().has(state.access, call.authid(), "/vms/" + entry.get("vmid"),
                        List.of("VM.Audit"), false)) {
                    out.add(entry);
                }
            }
            return out;
        }));
        routes.post("/nodes/{node}/qemu")
                .rules(apiRules(qm.spec("create").rules()))
                .rules(BackupRoutes.RESTORE_RULES)
                .task()
                .cli(call -> ApiRules.qm(call, "create", "vmid"))
                .handle(call -> call.optional("archive").isPresent() ? BackupRoutes.restore(call) : create(call, qm));
        routes.get(VM + "/config")
                .rule("current", Rule.bool())
                .rule("snapshot", ApiRules.CONFIG_ID)
                .handle(QemuRoutes::config);
        routes.post(VM + "/config")
                .rules(apiRules(qm.spec("set").rules()))
                .task()
                .cli(call -> ApiRules.qm(call, "set", "vmid"))
                .handle(call -> update(call, qm, true));
        routes.put(VM + "/config")
                .rules(apiRules(qm.spec("set").rules()))
                .cli(call -> ApiRules.qm(call, "set", "vmid"))
                .handle(call -> update(call, qm, false));
        routes.delete(VM)
                .rules(qm.spec("destroy").rules())
                .task()
                .cli(call -> ApiRules.qm(call, "destroy", "vmid"))
                .handle(call -> {
                    ConfigChecks.rootOnlyParameters(call, "skiplock");
                    call.read(state -> {
                        VmState vm = Engine.localVm(state, call.node(), call.vmid());
                        if (vm.running()) {
                            throw new Failure("VM " + vm.vmid + " is running - destroy failed");
                        }
                        return null;
                    });
                    return task(call, qm, "destroy");
                });
        routes.get(VM + "/status/current").handle(QemuRoutes::currentStatus);
        power(routes, qm, "start", "skiplock", "migratedfrom");
        power(routes, qm, "stop", "skiplock", "keepActive");
        power(routes, qm, "shutdown", "skiplock", "keepActive");
        power(routes, qm, "reboot");
        power(routes, qm, "reset", "skiplock");
        power(routes, qm, "suspend", "skiplock");
        power(routes, qm, "resume", "skiplock");
        routes.post(VM + "/migrate")
                .rules(qm.spec("migrate").rules())
                .rule("migration_network", Rule.format(v -> v.matches("[0-9a-fA-F.:]+/\\d{1,3}") ? Optional.empty()
                        : Optional.of("value does not look like a valid CIDR network")))
                .task()
                .cli(call -> ApiRules.qm(call, "migrate", "vmid", "target"))
                .handle(call -> migrate(call, qm));
        routes.get(VM + "/migrate")
                .rule("target", ApiRules.NODE)
                .handle(QemuRoutes::migratePreconditions);
        routes.put(VM + "/resize")
                .rules(qm.spec("resize").rules())
                .task()
                .cli(call -> ApiRules.qm(call, "resize", "vmid", "disk", "size"))
                .handle(call -> {
                    ConfigChecks.rootOnlyParameters(call, "skiplock");
                    call.read(state -> {
                        VmState vm = Engine.localVm(state, call.node(), call.vmid());
                        String drive = vm.config.get(call.param("disk"));
                        if (drive != null && !call.root()) {
                            String file = ConfigChecks.parts(drive).getOrDefault("file", "");
                            if (file.contains(":")) {
                                call.check("/storage/" + file.substring(0, file.indexOf(':')), "Datastore.AllocateSpace");
                            }
                        }
                        return null;
                    });
                    return task(call, qm, "resize");
                });
        routes.post(VM + "/clone")
                .rules(qm.spec("clone").rules())
                .rule("target", ApiRules.NODE)
                .rule("storage", ApiRules.STORAGE)
                .task()
                .cli(call -> ApiRules.qm(call, "clone", "vmid", "newid"))
                .handle(call -> {
                    call.read(state -> Engine.localVm(state, call.node(), call.vmid()));
                    call.optional("storage").ifPresent(storage -> {
                        if (!call.root()) {
                            call.check("/storage/" + storage, "Datastore.AllocateSpace");
                        }
                    });
                    int newid = Integer.parseInt(call.param("newid"));
                    boolean taken = call.read(state -> state.vms.containsKey(newid));
                    if (taken) {
                        throw new Failure("unable to create VM " + newid + ": config file already exists");
                    }
                    return task(call, qm, "clone");
                });
        routes.post(VM + "/template")
                .rules(qm.spec("template").rules())
                .task()
                .cli(call -> ApiRules.qm(call, "template", "vmid"))
                .handle(call -> {
                    call.read(state -> Engine.localVm(state, call.node(), call.vmid()));
                    return task(call, qm, "template");
                });
        SnapshotRoutes.register(routes, qm);
        routes.get(VM + "/cloudinit/dump")
                .rule("type", Rule.oneOf("user", "network", "meta"))
                .handle(call -> sync(call, qm, "cloudinit dump", List.of("qm", "cloudinit", "dump", call.param("vmid"),
                        call.param("type"))));
        routes.get(VM + "/cloudinit").handle(QemuRoutes::cloudinitPending);
        routes.put(VM + "/cloudinit").handle(call -> {
            call.read(state -> Engine.localVm(state, call.node(), call.vmid()));
            return null;
        });
    }

    /** The API's form of the CLI's rules: {@code sshkeys} is the URL-encoded keys, not a file path. */
    private static Map<String, Rule> apiRules(Map<String, Rule> cli) {
        Map<String, Rule> rules = new LinkedHashMap<>(cli);
        rules.put("sshkeys", Formats.urlencoded());
        ConfigChecks.ROOT_ONLY.forEach(rules::putIfAbsent);
        return rules;
    }

    /** The call's parameters without {@code node}, as the qm operation takes them. */
    private static Map<String, String> operationParams(ApiCall call) {
        Map<String, String> params = new LinkedHashMap<>(call.params());
        params.remove("node");
        return params;
    }

    /** Starts the qm operation {@code command} as this call's task. */
    static String task(ApiCall call, Qm qm, String command) {
        String type = Qm.taskType(command).orElse("qm" + command);
        Map<String, String> params = operationParams(call);
        return call.task(type, call.param("vmid"), exec -> qm.execute(exec, command, params));
    }

    /** Runs the qm operation within the request. @return what it printed */
    private static String sync(ApiCall call, Qm qm, String command, List<String> argv) {
        Exec exec = Exec.call(call.engine(), call.workNode(), argv);
        qm.execute(exec, command, operationParams(call));
        return exec.stdoutText();
    }

    private static Object create(ApiCall call, Qm qm) {
        int vmid = call.vmid();
        call.read(state -> {
            Engine.requireQuorum(state);
            return null;
        });
        call.optional("pool").ifPresent(pool -> {
            throw ApiException.permission("pool '" + pool + "' does not exist");
        });
        if (!call.root()) {
            call.optional("storage").ifPresent(storage -> call.check("/storage/" + storage, "Datastore.AllocateSpace"));
            if (call.flag("start")) {
                call.check("/vms/" + vmid, "VM.PowerMgmt");
            }
            if (!call.has("/vms/" + vmid, "VM.Allocate")) {
                throw ApiException.permission(null);
            }
        }
        List<String> keys = new ArrayList<>(call.params().keySet());
        keys.removeAll(List.of("node", "vmid", "start", "storage", "pool"));
        ConfigChecks.storageAndNetwork(call, vmid);
        ConfigChecks.optionPrivileges(call, keys);
        Tasks.Task task = call.prepareTask("qmcreate", Integer.toString(vmid));
        Object plan = qm.prepareAndClaim(task.exec, operationParams(call));
        return call.start(task, exec -> qm.finishCreate(exec, plan), () -> qm.abandonCreate(plan));
    }

    private static Object update(ApiCall call, Qm qm, boolean async) {
        int vmid = call.vmid();
        ConfigChecks.rootOnlyParameters(call, "skiplock");
        List<String> keys = new ArrayList<>(call.params().keySet());
        keys.removeAll(List.of("node", "vmid", "digest", "skiplock", "delete", "force"));
        call.optional("delete").ifPresent(d -> keys.addAll(List.of(d.split("[ ,;]+"))));
        if (keys.isEmpty()) {
            throw new Failure("no options specified");
        }
        ConfigChecks.optionPrivileges(call, keys);
        ConfigChecks.storageAndNetwork(call, vmid);
        call.read(state -> {
            VmState vm = Engine.localVm(state, call.node(), vmid);
            if (!call.flag("skiplock")) {
                Engine.checkConfigLock(vm, false);
            }
            String digest = call.params().get("digest");
            if (digest != null && !digest.equals(QmQuery.digest(vm))) {
                throw new Failure("detected modified configuration - file changed by other user? Try again.");
            }
            return null;
        });
        if (async) {
            Map<String, String> params = operationParams(call);
            return call.task("qmconfig", Integer.toString(vmid), exec -> qm.execute(exec, "set", params));
        }
        sync(call, qm, "set", call.cliArgv());
        return null;
    }

    private static Object config(ApiCall call) {
        return call.read(state -> {
            Map<String, Object> config = call.data().config(state, call.node(), call.vmid());
            Optional<String> snapshot = call.optional("snapshot");
            if (snapshot.isPresent()) {
                VmState vm = Engine.localVm(state, call.node(), call.vmid());
                VmState.Snapshot snap = vm.snapshots.get(snapshot.get());
                if (snap == null) {
                    throw new Failure("snapshot '" + snapshot.get() + "' does not exist");
                }
                Map<String, Object> out = new TreeMap<>(snap.config);
                out.put("snaptime", snap.snaptime);
                if (!snap.description.isEmpty()) {
                    out.put("description", snap.description);
                }
                out.put("digest", QmQuery.digestOf(snap.config.toString()));
                return out;
            }
            return config;
        });
    }

    private static Object currentStatus(ApiCall call) {
        return call.read(state -> {
            Map<String, Object> status = new TreeMap<>(call.data().currentStatus(state, call.node(), call.vmid()));
            VmState vm = Engine.localVm(state, call.node(), call.vmid());
            if (agentEnabled(vm)) {
                status.put("agent", 1);
            }
            if ("1".equals(vm.config.get("template"))) {
                status.put("template", 1);
            }
            if (vm.config.containsKey("tags")) {
                status.put("tags", vm.config.get("tags"));
            }
            if (vm.running()) {
                status.put("running-qemu", call.context().release().qemuVersion());
                status.put("running-machine", "pc-i440fx-" + call.context().release().qemuVersion()
                        .substring(0, call.context().release().qemuVersion().lastIndexOf('.')) + "+pve0");
            }
            return status;
        });
    }

    static boolean agentEnabled(VmState vm) {
        String agent = vm.config.get("agent");
        if (agent == null) {
            return false;
        }
        String enabled = ConfigChecks.parts(agent).getOrDefault("enabled", ConfigChecks.parts(agent).get("file"));
        return "1".equals(enabled);
    }

    private static void power(ApiRoutes routes, Qm qm, String command, String... rootOnly) {
        routes.post(VM + "/status/" + command)
                .rules(qm.spec(command).rules())
                .task()
                .cli(call -> ApiRules.qm(call, command, "vmid"))
                .handle(call -> {
                    ConfigChecks.rootOnlyParameters(call, rootOnly);
                    call.read(state -> {
                        if (command.equals("start")) {
                            Engine.requireQuorum(state);
                        }
                        VmState vm = Engine.localVm(state, call.node(), call.vmid());
                        if (List.of("reboot", "reset", "suspend", "resume").contains(command) && !vm.running()) {
                            throw new Failure("VM " + vm.vmid + " not running");
                        }
                        return null;
                    });
                    return task(call, qm, command);
                });
    }

    private static Object migrate(ApiCall call, Qm qm) {
        String target = call.param("target");
        if (target.equals(call.node())) {
            throw ApiException.parameter("target", "target is local node.");
        }
        ConfigChecks.rootOnlyParameters(call, "force");
        call.read(state -> {
            Engine.requireQuorum(state);
            NodeState targetNode = state.node(target)
                    .orElseThrow(() -> new Failure("no such cluster node '" + target + "'"));
            if (!targetNode.online) {
                throw new Failure("target node '" + target + "' is not online");
            }
            VmState vm = Engine.localVm(state, call.node(), call.vmid());
            if (vm.running() && !call.flag("online")) {
                throw new Failure("can't migrate running VM without --online");
            }
            return null;
        });
        return task(call, qm, "migrate");
    }

    private static Object migratePreconditions(ApiCall call) {
        return call.read(state -> {
            VmState vm = Engine.localVm(state, call.node(), call.vmid());
            NodeState source = Engine.node(state, vm.node);
            Map<String, Object> out = new TreeMap<>();
            out.put("running", vm.running() ? 1 : 0);
            out.put("has-dbus-vmstate", 0);
            List<Map<String, Object>> local = new ArrayList<>();
            for (VmState.Volume volume : vm.volumes) {
                boolean shared = source.storage(volume.storage).map(s -> s.shared).orElse(false);
                if (!shared) {
                    Map<String, Object> disk = new TreeMap<>();
                    disk.put("volid", volume.volid);
                    disk.put("size", volume.sizeBytes);
                    disk.put("cdrom", 0);
                    disk.put("is_unused", vm.config.values().stream().noneMatch(v -> v.startsWith(volume.volid + ","))
                            ? 1 : 0);
                    local.add(disk);
                }
            }
            out.put("local_disks", local);
            out.put("local_resources", List.of());
            out.put("mapped-resources", List.of());
            out.put("mapped-resource-info", Map.of());
            List<String> allowed = new ArrayList<>();
            Map<String, Object> notAllowed = new TreeMap<>();
            for (NodeState node : state.nodes) {
                if (node.name.equals(vm.node)) {
                    continue;
                }
                List<String> missing = new ArrayList<>();
                for (VmState.Volume volume : vm.volumes) {
                    if (node.storage(volume.storage).isEmpty() && !missing.contains(volume.storage)) {
                        missing.add(volume.storage);
                    }
                }
                if (missing.isEmpty() && node.online) {
                    allowed.add(node.name);
                } else {
                    notAllowed.put(node.name, Map.of("unavailable_storages", missing));
                }
            }
            out.put("allowed_nodes", allowed);
            out.put("not_allowed_nodes", notAllowed);
            return out;
        });
    }

    private static Object cloudinitPending(ApiCall call) {
        return call.read(state -> {
            VmState vm = Engine.localVm(state, call.node(), call.vmid());
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                String key = entry.getKey();
                if (List.of("ciuser", "cipassword", "sshkeys", "nameserver", "searchdomain", "citype", "ciupgrade",
                        "cicustom").contains(key) || key.matches("ipconfig\\d+")) {
                    Map<String, Object> item = new TreeMap<>();
                    item.put("key", key);
                    item.put("value", key.equals("cipassword") ? "**********" : entry.getValue());
                    out.add(item);
                }
            }
            return out;
        });
    }
}
