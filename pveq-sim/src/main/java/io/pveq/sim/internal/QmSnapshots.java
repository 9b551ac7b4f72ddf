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
 * {@code qm snapshot|rollback|delsnapshot|listsnapshot} and their container twins: snapshots kept with
 * the guest (the config of their time, linked by {@code parent}), with Proxmox's rules: not on
 * templates, names unique, every disk on a storage that can snapshot (lvmthin, zfspool, or a qcow2
 * file; CD-ROM drives are skipped, as qemu-server's {@code has_feature} does), a rollback stops a
 * running guest first. A VM snapshot with {@code vmstate} of a running VM saves its RAM to a state
 * volume, and a rollback to it leaves the VM running, as Proxmox resumes it from that state.
 */
public final class QmSnapshots {

    private static final java.util.regex.Pattern CT_VOLUME_KEY = java.util.regex.Pattern.compile("rootfs|mp\\d+");

    private final Engine engine;
    private final boolean containers;

    QmSnapshots(Engine engine) {
        this(engine, false);
    }

    private QmSnapshots(Engine engine, boolean containers) {
        this.engine = engine;
        this.containers = containers;
    }

    /** @return the snapshot operations of containers ({@code pct snapshot|rollback|delsnapshot}) */
    public static QmSnapshots forContainers(Engine engine) {
        return new QmSnapshots(engine, true);
    }

    private VmState guest(ClusterState state, String node, int vmid) {
        if (!containers) {
            return Engine.localVm(state, node, vmid);
        }
        VmState ct = state.vms.get(vmid);
        if (ct == null || !ct.node.equals(node) || !"lxc".equals(ct.type)) {
            throw new Failure("Configuration file 'nodes/" + node + "/lxc/" + vmid + ".conf' does not exist");
        }
        return ct;
    }

    private boolean volumeKey(String key, String value) {
        if (containers) {
            return CT_VOLUME_KEY.matcher(key).matches();
        }
        return Drives.DISK_KEY.matcher(key).matches() && !Drives.cdrom(value) && !Drives.cloudinit(value);
    }

    /** Takes a snapshot ({@code snapname}, optional {@code description}, {@code vmstate}). */
    public void snapshot(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String name = params.get("snapname");
        String description = params.getOrDefault("description", "");
        List<String> disks = engine.store().write(state -> {
            VmState vm = guest(state, exec.node(), vmid);
            Engine.checkConfigLock(vm, false);
            if ("1".equals(vm.config.get("template"))) {
                throw new Failure("you can't take a snapshot if it's a template");
            }
            if (vm.snapshots.containsKey(name)) {
                throw new Failure("snapshot name '" + name + "' already used");
            }
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                if (!volumeKey(entry.getKey(), entry.getValue())) {
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
        boolean saveState = !containers && "1".equals(params.get("vmstate"))
                && engine.store().read(state -> guest(state, exec.node(), vmid).running());
        try {
            String stateVolume = saveState ? saveVmState(exec, vmid, name) : null;
            for (String disk : disks) {
                String[] parts = disk.split(" ");
                exec.out(containers ? "create snapshot of '" + parts[0] + "' (" + parts[1] + ")"
                        : "snapshotting 'drive-" + parts[0] + "' (" + parts[1] + ")");
                String volname = parts[1].substring(parts[1].indexOf(':') + 1);
                if (!volname.contains("/")) {
                    exec.out("  Logical volume \"snap_" + volname + "_" + name + "\" created.");
                }
                exec.pause(Duration.ofMillis(300));
            }
            engine.store().write(state -> {
                VmState vm = guest(state, exec.node(), vmid);
                VmState.Snapshot snapshot = new VmState.Snapshot();
                snapshot.config.putAll(vm.config);
                snapshot.config.remove("lock");
                if (stateVolume != null) {
                    snapshot.config.put("vmstate", stateVolume);
                    snapshot.config.put("runningmachine", "pc-i440fx-" + engine.release().qemuVersion()
                            .substring(0, engine.release().qemuVersion().lastIndexOf('.')) + "+pve0");
                }
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

    /** Rolls back to {@code snapname}, starting the guest after it when {@code start} is 1. */
    public void rollback(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String name = params.get("snapname");
        boolean running = engine.store().read(state -> {
            VmState vm = guest(state, exec.node(), vmid);
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
                QmStates.markStopped(guest(state, exec.node(), vmid));
                return null;
            });
        }
        exec.pause(Duration.ofMillis(500));
        List<String> lines = engine.store().write(state -> {
            VmState vm = guest(state, exec.node(), vmid);
            VmState.Snapshot snapshot = vm.snapshots.get(name);
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, String> entry : snapshot.config.entrySet()) {
                if (volumeKey(entry.getKey(), entry.getValue())) {
                    String volname = Drives.parse(entry.getValue()).get("file");
                    volname = volname.substring(volname.indexOf(':') + 1);
                    if (!volname.contains("/")) {
                        out.add("  Logical volume \"" + volname + "\" successfully removed.");
                        out.add("  Logical volume \"" + volname + "\" created.");
                    }
                }
            }
            TreeMap<String, String> restored = new TreeMap<>(snapshot.config);
            restored.remove("vmstate");
            restored.remove("runningmachine");
            restored.put("parent", name);
            vm.config = restored;
            return out;
        });
        lines.forEach(exec::out);
        boolean withState = engine.store().read(state -> guest(state, exec.node(), vmid).snapshots.get(name)
                .config.containsKey("vmstate"));
        if (withState) {
            exec.out("resuming VM from the state saved in snapshot '" + name + "'");
            markRunning(vmid, false);
        } else if ("1".equals(params.get("start"))) {
            if (containers) {
                exec.pause(Duration.ofSeconds(1));
                markRunning(vmid, true);
            } else {
                new QmPower(engine).startVm(exec, vmid, false);
            }
        }
    }

    /** Saves a running VM's RAM to a new state volume (twice its memory plus 500 MiB, as qemu-server sizes it). */
    private String saveVmState(Exec exec, int vmid, String snapshot) {
        String[] target = engine.store().write(state -> {
            VmState vm = guest(state, exec.node(), vmid);
            String storage = null;
            for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                if (volumeKey(entry.getKey(), entry.getValue())) {
                    String volid = Drives.parse(entry.getValue()).get("file");
                    storage = volid.substring(0, volid.indexOf(':'));
                    break;
                }
            }
            String chosen = storage == null ? "local" : storage; // qemu-server falls back to local
            storage = chosen;
            boolean fileBased = state.node(vm.node).flatMap(n -> n.storage(chosen)).map(StorageState::fileBased)
                    .orElse(true);
            String volname = (fileBased ? vmid + "/" : "") + "vm-" + vmid + "-state-" + snapshot + (fileBased ? ".raw" : "");
            long bytes = (QmQuery.memoryMb(vm) * 2 + 500) << 20;
            vm.volumes.add(new VmState.Volume(storage, volname, bytes, "raw"));
            return new String[] {storage, storage + ":" + volname, Long.toString(QmQuery.memoryMb(vm))};
        });
        exec.out("saving VM state and RAM using storage '" + target[0] + "'");
        exec.pause(Duration.ofSeconds(1));
        exec.out("completed saving the VM state in 1s, saved " + target[2] + ".00 MiB");
        return target[1];
    }

    private void markRunning(int vmid, boolean fresh) {
        engine.store().write(state -> {
            state.vm(vmid).ifPresent(vm -> {
                vm.status = "running";
                vm.paused = false;
                if (fresh || vm.pid == 0) {
                    vm.pid = (int) (state.nextSequence() % 4_000_000) + 1000;
                    vm.startedAtMillis = engine.time().nowMillis();
                    vm.bootedAtMillis = vm.startedAtMillis;
                }
            });
            return null;
        });
    }

    /** Deletes {@code snapname} ({@code force} ignores a lock). */
    public void delete(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String name = params.get("snapname");
        boolean force = "1".equals(params.get("force"));
        engine.store().write(state -> {
            VmState vm = guest(state, exec.node(), vmid);
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
            VmState vm = guest(state, exec.node(), vmid);
            VmState.Snapshot removed = vm.snapshots.remove(name);
            String stateVolume = removed.config.get("vmstate");
            if (stateVolume != null) {
                vm.volumes.removeIf(v -> v.volid.equals(stateVolume));
            }
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
            VmState vm = guest(state, exec.node(), vmid);
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
