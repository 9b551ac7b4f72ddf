package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.Qm;
import io.pveq.sim.internal.QmQuery;
import io.pveq.sim.internal.QmSnapshots;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.VmState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A guest's snapshots, for VMs and containers alike: list (the tree, with {@code current}), take, read
 * one's config, roll back, delete, each a task ({@code qmsnapshot}/{@code vzsnapshot}, ...). The names
 * {@code current} and {@code pending} are refused within the request, as qemu-server does.
 */
final class SnapshotRoutes {

    private SnapshotRoutes() {
    }

    /** The VM snapshot endpoints, driving the {@code qm} operations. */
    static void register(ApiRoutes routes, Qm qm) {
        register(routes, QemuRoutes.VM, false, (call, command) -> QemuRoutes.task(call, qm, command),
                qm.spec("snapshot").rules(), qm.spec("rollback").rules(), qm.spec("delsnapshot").rules());
    }

    /** The container snapshot endpoints ({@code pct snapshot|rollback|delsnapshot}). */
    static void registerContainers(ApiRoutes routes) {
        QmSnapshots snapshots = QmSnapshots.forContainers(routes.context().engine());
        Map<String, Rule> take = Map.of("snapname", ApiRules.CONFIG_ID, "description", Rule.string(0));
        Map<String, Rule> rollback = Map.of("snapname", ApiRules.CONFIG_ID, "start", Rule.bool());
        Map<String, Rule> delete = Map.of("snapname", ApiRules.CONFIG_ID, "force", Rule.bool());
        register(routes, "/nodes/{node}/lxc/{vmid}", true, (call, command) -> {
            Map<String, String> params = new LinkedHashMap<>(call.params());
            params.remove("node");
            String type = switch (command) {
                case "snapshot" -> "vzsnapshot";
                case "rollback" -> "vzrollback";
                default -> "vzdelsnapshot";
            };
            return call.task(type, call.param("vmid"), exec -> {
                switch (command) {
                    case "snapshot" -> snapshots.snapshot(exec, params);
                    case "rollback" -> snapshots.rollback(exec, params);
                    default -> snapshots.delete(exec, params);
                }
            });
        }, take, rollback, delete);
    }

    /** Starts the operation {@code snapshot}, {@code rollback} or {@code delsnapshot} as the call's task. */
    private interface Starter {
        String start(ApiCall call, String command);
    }

    private static void register(ApiRoutes routes, String base, boolean containers, Starter starter,
                                 Map<String, Rule> take, Map<String, Rule> rollback, Map<String, Rule> delete) {
        routes.get(base + "/snapshot").handle(call -> call.read(state -> {
            VmState guest = guest(state, call, containers);
            List<Map<String, Object>> out = new ArrayList<>();
            guest.snapshots.forEach((name, snapshot) -> {
                Map<String, Object> entry = new TreeMap<>();
                entry.put("name", name);
                entry.put("snaptime", snapshot.snaptime);
                entry.put("description", snapshot.description);
                Optional.ofNullable(snapshot.config.get("parent")).ifPresent(p -> entry.put("parent", p));
                if (snapshot.config.containsKey("vmstate")) {
                    entry.put("vmstate", 1);
                }
                out.add(entry);
            });
            Map<String, Object> current = new TreeMap<>();
            current.put("name", "current");
            current.put("description", "You are here!");
            current.put("running", guest.running() ? 1 : 0);
            if (!containers) {
                current.put("digest", QmQuery.digest(guest));
            }
            Optional.ofNullable(guest.config.get("parent")).ifPresent(p -> current.put("parent", p));
            out.add(current);
            return out;
        }));
        routes.post(base + "/snapshot")
                .rules(take)
                .task()
                .cli(containers ? null : call -> ApiRules.qm(call, "snapshot", "vmid", "snapname"))
                .handle(call -> {
                    String name = call.param("snapname");
                    if (name.equals("current")) {
                        throw new Failure("unable to use snapshot name 'current' (reserved name)");
                    }
                    if (name.equalsIgnoreCase("pending")) {
                        throw new Failure("unable to use snapshot name 'pending' (reserved name)");
                    }
                    call.read(state -> guest(state, call, containers));
                    return starter.start(call, "snapshot");
                });
        routes.get(base + "/snapshot/{snapname}/config").handle(call -> call.read(state -> {
            VmState guest = guest(state, call, containers);
            VmState.Snapshot snapshot = guest.snapshots.get(call.param("snapname"));
            if (snapshot == null) {
                throw new Failure("snapshot '" + call.param("snapname") + "' does not exist");
            }
            Map<String, Object> out = new TreeMap<>(snapshot.config);
            out.put("snaptime", snapshot.snaptime);
            if (!snapshot.description.isEmpty()) {
                out.put("description", snapshot.description);
            }
            return out;
        }));
        routes.post(base + "/snapshot/{snapname}/rollback")
                .rules(rollback)
                .task()
                .cli(containers ? null : call -> ApiRules.qm(call, "rollback", "vmid", "snapname"))
                .handle(call -> {
                    call.read(state -> guest(state, call, containers));
                    return starter.start(call, "rollback");
                });
        routes.delete(base + "/snapshot/{snapname}")
                .rules(delete)
                .task()
                .cli(containers ? null : call -> ApiRules.qm(call, "delsnapshot", "vmid", "snapname"))
                .handle(call -> {
                    call.read(state -> guest(state, call, containers));
                    return starter.start(call, "delsnapshot");
                });
    }

    private static VmState guest(ClusterState state, ApiCall call, boolean containers) {
        return containers ? LxcRoutes.container(state, call) : Engine.localVm(state, call.node(), call.vmid());
    }
}
