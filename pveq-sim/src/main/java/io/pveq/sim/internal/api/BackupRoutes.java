package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Vzdump;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.StorageState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Backups of VMs: {@code POST /nodes/{node}/vzdump} (one VM per job, to a storage that takes backups;
 * modes, compression, notes), the archives in a storage's content list ({@code content=backup}), and
 * restoring one through {@code POST /nodes/{node}/qemu} with {@code archive} ({@code force},
 * {@code unique}, {@code storage}). Privileges as pve-manager checks them: {@code VM.Backup} on the VM and
 * {@code Datastore.AllocateSpace} on the storage; a restore wants {@code VM.Backup} on the VM and, when
 * {@code force} replaces one, {@code VM.Allocate}.
 */
final class BackupRoutes {

    /** Parameters of {@code POST /nodes/{node}/qemu} that make it a restore. */
    static final Map<String, Rule> RESTORE_RULES = Map.of("archive", Rule.string(255), "force", Rule.bool(),
            "unique", Rule.bool());

    private BackupRoutes() {
    }

    static void register(ApiRoutes routes) {
        routes.post("/nodes/{node}/vzdump")
                .rule("vmid", Rule.format(v -> v.matches("\\d{3,9}") ? Optional.empty()
                        : Optional.of("value '" + v + "' is not one VMID (the simulator backs up one VM per job)")))
                .rule("storage", ApiRules.STORAGE)
                .rule("mode", Rule.oneOf("snapshot", "suspend", "stop"))
                .rule("compress", Rule.oneOf("0", "1", "gzip", "lzo", "zstd"))
                .rule("notes-template", Rule.string(1024))
                .rule("remove", Rule.bool())
                .task()
                .handle(BackupRoutes::vzdump);
    }

    private static Object vzdump(ApiCall call) {
        String vmid = call.optional("vmid").orElseThrow(() -> ApiException.parameter("vmid",
                "property is missing and it is not optional (the simulator needs one VMID; 'all' and 'pool' are not simulated)"));
        String storage = call.optional("storage").orElse("local");
        if (!call.root()) {
            call.check("/vms/" + vmid, "VM.Backup");
            call.check("/storage/" + storage, "Datastore.AllocateSpace");
        }
        Vzdump vzdump = new Vzdump(call.engine());
        int id = Integer.parseInt(vmid);
        vzdump.check(call.node(), id, storage);
        String mode = call.optional("mode").orElse("snapshot");
        String compress = call.optional("compress").orElse("0");
        String notes = call.optional("notes-template").orElse("").replace("{{guestname}}", call.read(state ->
                state.vm(id).map(vm -> vm.config.getOrDefault("name", "VM" + id)).orElse(""))).replace("{{vmid}}", vmid);
        return call.task("vzdump", vmid, exec -> vzdump.backup(exec, id, storage, mode, compress, notes));
    }

    /** {@code POST /nodes/{node}/qemu} with {@code archive}: the checks within the request, then a qmrestore task. */
    static Object restore(ApiCall call) {
        int vmid = call.vmid();
        String archive = call.param("archive");
        List<String> others = call.params().keySet().stream()
                .filter(k -> !List.of("node", "vmid", "archive", "force", "unique", "storage", "start").contains(k))
                .toList();
        if (!others.isEmpty()) {
            throw ApiException.parameter("archive", "option conflicts with other options (" + String.join(" ", others) + ")");
        }
        if (!call.root()) {
            call.check("/vms/" + vmid, "VM.Backup");
            if (call.flag("force")) {
                call.check("/vms/" + vmid, "VM.Allocate");
            }
            call.optional("storage").ifPresent(s -> call.check("/storage/" + s, "Datastore.AllocateSpace"));
        }
        Vzdump vzdump = new Vzdump(call.engine());
        vzdump.checkRestore(call.node(), vmid, archive, call.flag("force"));
        boolean start = call.flag("start");
        return call.task("qmrestore", Integer.toString(vmid),
                exec -> vzdump.restore(exec, vmid, archive, call.optional("storage"), call.flag("unique"), start));
    }

    /** The backups in a storage's content list, as pve-storage lists them. */
    static void content(ApiCall call, io.pveq.sim.internal.state.ClusterState state, StorageState storage,
                        Optional<String> onlyContent, Optional<String> onlyVm, List<Map<String, Object>> out) {
        if (onlyContent.map(c -> !c.equals("backup")).orElse(false)) {
            return;
        }
        for (Vzdump.Archive archive : Vzdump.list(state, call.node(), storage)) {
            if (onlyVm.map(v -> !v.equals(Integer.toString(archive.vmid()))).orElse(false)) {
                continue;
            }
            Map<String, Object> entry = new TreeMap<>();
            entry.put("volid", archive.volid());
            entry.put("content", "backup");
            entry.put("format", archive.format());
            entry.put("size", archive.sizeBytes());
            entry.put("vmid", archive.vmid());
            entry.put("ctime", archive.ctime());
            entry.put("subtype", "qemu");
            if (!archive.notes().isEmpty()) {
                entry.put("notes", archive.notes());
            }
            out.add(entry);
        }
    }
}
