package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.Qm;
import io.pveq.sim.internal.QmQuery;
import io.pveq.sim.internal.state.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A VM's snapshots: list, take, read one's config, roll back, delete (the qm operations, as tasks). */
final class SnapshotRoutes {

    private static final String VM = QemuRoutes.VM;

    private SnapshotRoutes() {
    }

    static void register(ApiRoutes routes, Qm qm) {
        routes.get(VM + "/snapshot").handle(call -> call.read(state -> {
            VmState vm = Engine.localVm(state, call.node(), call.vmid());
            List<Map<String, Object>> out = new ArrayList<>();
            vm.snapshots.forEach((name, snapshot) -> {
                Map<String, Object> entry = new TreeMap<>();
                entry.put("name", name);
                entry.put("snaptime", snapshot.snaptime);
                entry.put("description", snapshot.description);
                Optional.ofNullable(snapshot.config.get("parent")).ifPresent(p -> entry.put("parent", p));
                out.add(entry);
            });
            Map<String, Object> current = new TreeMap<>();
            current.put("name", "current");
            current.put("description", "You are here!");
            current.put("running", vm.running() ? 1 : 0);
            current.put("digest", QmQuery.digest(vm));
            Optional.ofNullable(vm.config.get("parent")).ifPresent(p -> current.put("parent", p));
            out.add(current);
            return out;
        }));
        routes.post(VM + "/snapshot")
                .rules(qm.spec("snapshot").rules())
                .task()
                .cli(call -> ApiRules.qm(call, "snapshot", "vmid", "snapname"))
                .handle(call -> {
                    call.read(state -> Engine.localVm(state, call.node(), call.vmid()));
                    return QemuRoutes.task(call, qm, "snapshot");
                });
        routes.get(VM + "/snapshot/{snapname}/config").handle(call -> call.read(state -> {
            VmState vm = Engine.localVm(state, call.node(), call.vmid());
            VmState.Snapshot snapshot = vm.snapshots.get(call.param("snapname"));
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
        routes.post(VM + "/snapshot/{snapname}/rollback")
                .rules(qm.spec("rollback").rules())
                .task()
                .cli(call -> ApiRules.qm(call, "rollback", "vmid", "snapname"))
                .handle(call -> {
                    call.read(state -> Engine.localVm(state, call.node(), call.vmid()));
                    return QemuRoutes.task(call, qm, "rollback");
                });
        routes.delete(VM + "/snapshot/{snapname}")
                .rules(qm.spec("delsnapshot").rules())
                .task()
                .cli(call -> ApiRules.qm(call, "delsnapshot", "vmid", "snapname"))
                .handle(call -> {
                    call.read(state -> Engine.localVm(state, call.node(), call.vmid()));
                    return QemuRoutes.task(call, qm, "delsnapshot");
                });
    }
}
