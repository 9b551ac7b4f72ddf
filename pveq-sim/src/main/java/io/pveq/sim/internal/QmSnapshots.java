package io.pveq.sim.internal;

import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.StorageState;
import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code qm snapshot|rollback|delsnapshot|listsnapshot}: snapshots kept with the VM (the config of
 * their time, linked by {@code parent}), with Proxmox's rules: not on templates, names unique, every
 * disk on a storage that can snapshot (lvmthin, zfspool, or a qcow2 file), a rollback stops a running
 * VM first.
 */
final class QmSnapshots {

    private final Engine engine;

    QmSnapshots(Engine engine) {
        this.engine = engine;
    }

    void snapshot(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String name = params.get("snapname");
        String description = params.getOrDefault("description", "");
        List<String> disks = engine.store().write(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            Engine.checkConfigLock(vm, false);
            if ("1".equals(vm.config.get("template"))) {
                throw new Failure("you can't take a snapshot if it's a template");
            }
            if (vm.snapshots.containsKey(name)) {
                throw new Failure("snapshot name '" + name + "' already used");
            }
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                if (!Drives.DISK_KEY.matcher(entry.getKey()).matches() || Drives.cdrom(entry.getValue())
                        || Drives.cloudinit(entry.getValue())) {
                    continue;
                }
                String volid = Drives.parse(entry.getValue()).get("file");
                if (!canSnapshot(state, vm.node, volid)) {
                    throw new Failure("snapshot feature is not available");
                }
                lines.add(entry.getKey() + " " + volid);
            }
            vm.config.put("lock", "snapshot");
            return lines;
        });
        try {
            for (String disk : disks) {
                String[] parts = disk.split(" ");
                exec.out("snapshotting 'drive-" + parts[0] + "' (" + parts[1] + ")");
                String volname = parts[1].substring(parts[1].indexOf(':') + 1);
                if (!volname.contains("/")) {
                    exec.out("  Logical volume \"snap_" + volname + "_" + name + "\" created.");
                }
                exec.pause(Duration.ofMillis(300));
            }
            engine.store().write(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                VmState.Snapshot snapshot = new VmState.Snapshot();
                snapshot.config.putAll(vm.config);
                snapshot.config.remove("lock");
                snapshot.snaptime = engine.time().nowMillis() / 1000;
                snapshot.description = description;
                vm.snapshots.put(name, snapshot);
                vm.config.remove("lock");
                vm.config.put("parent", name);
                return null;
            });
        } catch (Failure failure) {
            unlock(vmid, "snapshot");
            throw failure;
        }
    }

    void rollback(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String name = params.get("snapname");
        boolean running = engine.store().read(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            if ("1".equals(vm.config.get("template"))) {
                throw new Failure("you can't rollback if vm is a template");
            }
            if (!vm.snapshots.containsKey(name)) {
                throw new Failure("snapshot '" + name + "' does not exist");
            }
            Engine.checkConfigLock(vm, false);
            return vm.running();
        });
        if (running) {
            exec.pause(Duration.ofSeconds(1));
            engine.store().write(state -> {
                QmStates.markStopped(Engine.localVm(state, exec.node(), vmid));
                return null;
            });
        }
        exec.pause(Duration.ofMillis(500));
        List<String> lines = engine.store().write(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            VmState.Snapshot snapshot = vm.snapshots.get(name);
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, String> entry : snapshot.config.entrySet()) {
                if (Drives.DISK_KEY.matcher(entry.getKey()).matches() && !Drives.cdrom(entry.getValue())
                        && !Drives.cloudinit(entry.getValue())) {
                    String volname = Drives.parse(entry.getValue()).get("file");
                    volname = volname.substring(volname.indexOf(':') + 1);
                    if (!volname.contains("/")) {
                        out.add("  Logical volume \"" + volname + "\" successfully removed.");
                        out.add("  Logical volume \"" + volname + "\" created.");
                    }
                }
            }
            TreeMap<String, String> restored = new TreeMap<>(snapshot.config);
            restored.put("parent", name);
            vm.config = restored;
            return out;
        });
        lines.forEach(exec::out);
        if ("1".equals(params.get("start"))) {
            new QmPower(engine).startVm(exec, vmid, false);
        }
    }

    void delete(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String name = params.get("snapname");
        boolean force = "1".equals(params.get("force"));
        engine.store().write(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            if (!vm.snapshots.containsKey(name)) {
                throw new Failure("snapshot '" + name + "' does not exist");
            }
            if (!force) {
                Engine.checkConfigLock(vm, false);
            }
            vm.config.put("lock", "snapshot-delete");
            return null;
        });
        exec.pause(Duration.ofMillis(300));
        engine.store().write(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            VmState.Snapshot removed = vm.snapshots.remove(name);
            String parent = removed.config.get("parent");
            for (VmState.Snapshot other : vm.snapshots.values()) {
                if (name.equals(other.config.get("parent"))) {
                    relink(other.config, parent);
                }
            }
            if (name.equals(vm.config.get("parent"))) {
                relink(vm.config, parent);
            }
            vm.config.remove("lock");
            return null;
        });
    }

    void list(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String text = engine.store().read(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            StringBuilder out = new StringBuilder();
            tree(vm, null, 0, out);
            out.append("  ".repeat(depth(vm, vm.config.get("parent")))).append("`-> current")
                    .append(" ".repeat(Math.max(1, 23 - 2 * depth(vm, vm.config.get("parent")))))
                    .append("You are here!\n");
            return out.toString();
        });
        exec.outText(text);
    }

    private static void tree(VmState vm, String parent, int depth, StringBuilder out) {
        for (Map.Entry<String, VmState.Snapshot> entry : vm.snapshots.entrySet()) {
            String own = entry.getValue().config.get("parent");
            if ((parent == null && own == null) || (parent != null && parent.equals(own))) {
                out.append("  ".repeat(depth)).append("`-> ").append(entry.getKey())
                        .append(" ".repeat(Math.max(1, 25 - 2 * depth - entry.getKey().length())))
                        .append(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                                .withZone(java.time.ZoneOffset.UTC)
                                .format(java.time.Instant.ofEpochSecond(entry.getValue().snaptime)))
                        .append("     ").append(entry.getValue().description.replace('\n', ' ')).append('\n');
                tree(vm, entry.getKey(), depth + 1, out);
            }
        }
    }

    private static int depth(VmState vm, String name) {
        int depth = 0;
        String current = name;
        while (current != null && vm.snapshots.containsKey(current) && depth < 1000) {
            depth++;
            current = vm.snapshots.get(current).config.get("parent");
        }
        return depth;
    }

    private static void relink(Map<String, String> config, String parent) {
        if (parent == null) {
            config.remove("parent");
        } else {
            config.put("parent", parent);
        }
    }

    private void unlock(int vmid, String lock) {
        engine.store().write(state -> {
            state.vm(vmid).ifPresent(vm -> {
                if (lock.equals(vm.config.get("lock"))) {
                    vm.config.remove("lock");
                }
            });
            return null;
        });
    }

    /** Thin LVM and ZFS volumes snapshot; on a directory only qcow2 files do. */
    static boolean canSnapshot(ClusterState state, String node, String volid) {
        int colon = volid.indexOf(':');
        if (colon < 0) {
            return false;
        }
        StorageState storage = state.node(node).flatMap(n -> n.storage(volid.substring(0, colon))).orElse(null);
        if (storage == null) {
            return false;
        }
        return switch (storage.type) {
            case "lvmthin", "zfspool" -> true;
            case "dir", "nfs" -> volid.endsWith(".qcow2");
            default -> false;
        };
    }
}
