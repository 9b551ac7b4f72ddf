package io.pveq.sim.internal;

import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.StorageState;
import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code qm clone} and {@code qm template}: a template's disks become {@code base-} volumes; a clone
 * claims its new id cluster-wide, copies the config (new MACs, new SMBIOS UUID and VM generation id,
 * no snapshots or unused disks), and either copies every disk (full, the default for a VM) or links
 * to the template's base volumes (the default for a template).
 */
final class QmClone {

    private final Engine engine;

    QmClone(Engine engine) {
        this.engine = engine;
    }

    void template(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String owner = engine.lockVm(exec, vmid);
        try {
            List<String> lines = engine.store().write(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                Engine.checkConfigLock(vm, false);
                if (!vm.snapshots.isEmpty()) {
                    throw new Failure("unable to create template, because VM contains snapshots");
                }
                if ("1".equals(vm.config.get("template"))) {
                    throw new Failure("you can't convert a template to a template");
                }
                if (vm.running()) {
                    throw new Failure("you can't convert a VM to template if VM is running");
                }
                List<String> out = new ArrayList<>();
                NodeState node = Engine.node(state, vm.node);
                for (VmState.Volume volume : vm.volumes) {
                    String volname = volume.volid.substring(volume.volid.indexOf(':') + 1);
                    if (volname.contains("cloudinit") || !volname.contains("vm-" + vmid + "-disk-")) {
                        continue;
                    }
                    String base = volname.replace("vm-" + vmid + "-disk-", "base-" + vmid + "-disk-");
                    String type = node.storage(volume.storage).map(s -> s.type).orElse("");
                    if (type.equals("lvmthin")) {
                        out.add("  Renamed \"" + volname + "\" to \"" + base + "\" in volume group \"pve\"");
                        out.add("  Logical volume pve/" + base + " changed.");
                    }
                    String oldVolid = volume.volid;
                    volume.volid = volume.storage + ":" + base;
                    for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                        Map<String, String> parts = Drives.parse(entry.getValue());
                        if (Drives.DISK_KEY.matcher(entry.getKey()).matches() && oldVolid.equals(parts.get("file"))) {
                            parts.put("file", volume.volid);
                            entry.setValue(Drives.print(parts));
                        }
                    }
                }
                vm.config.put("template", "1");
                return out;
            });
            exec.pause(Duration.ofMillis(500));
            lines.forEach(exec::out);
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    void clone(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        int newid = Integer.parseInt(params.get("newid"));
        String snapname = params.get("snapname");
        String targetStorage = params.get("storage");
        String target = params.getOrDefault("target", exec.node());
        String[] plan = engine.store().read(state -> {
            Engine.requireQuorum(state);
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            Engine.checkConfigLock(vm, false);
            if (snapname != null && !vm.snapshots.containsKey(snapname)) {
                throw new Failure("snapshot '" + snapname + "' does not exist");
            }
            boolean template = "1".equals(vm.config.get("template"));
            boolean full = params.containsKey("full") ? "1".equals(params.get("full")) : !template;
            if (targetStorage != null && !full) {
                throw new Failure("parameter 'storage' not allowed for linked clones");
            }
            if (params.containsKey("format") && !full) {
                throw new Failure("parameter 'format' not allowed for linked clones");
            }
            if (!full && !template) {
                throw new Failure("Linked clone feature is not supported for " + firstDisk(vm));
            }
            if (!target.equals(exec.node())) {
                NodeState targetNode = state.node(target)
                        .orElseThrow(() -> new Failure("no such cluster node '" + target + "'"));
                boolean shared = true;
                for (VmState.Volume volume : vm.volumes) {
                    shared &= Engine.node(state, vm.node).storage(volume.storage).map(s -> s.shared).orElse(false)
                            && targetNode.storage(volume.storage).isPresent();
                }
                if (!shared) {
                    throw new Failure("can't clone VM to node '" + target + "' (VM uses local storage)");
                }
            }
            if (targetStorage != null) {
                QmDisks.usableStorage(state, exec.node(), targetStorage);
            }
            return new String[] {Boolean.toString(full)};
        });
        boolean full = Boolean.parseBoolean(plan[0]);
        String owner = engine.lockVm(exec, vmid);
        try {
            engine.store().write(state -> {
                VmState existing = state.vms.get(newid);
                if (existing != null) {
                    throw new Failure("unable to create VM " + newid + ": config file already exists");
                }
                VmState clone = new VmState();
                clone.vmid = newid;
                clone.node = target;
                clone.createdAtMillis = engine.time().nowMillis();
                clone.config.put("lock", "clone");
                state.vms.put(newid, clone);
                return null;
            });
            exec.out("create " + (full ? "full" : "linked") + " clone of VM " + vmid + " with ID " + newid);
            try {
                copy(exec, vmid, newid, params, full, targetStorage, target);
            } catch (Failure failure) {
                engine.store().write(state -> state.vms.remove(newid));
                throw new Failure("clone failed: " + failure.getMessage());
            }
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    private void copy(Exec exec, int vmid, int newid, Map<String, String> params, boolean full, String targetStorage,
                      String target) {
        record Disk(String key, Map<String, String> parts, VmState.Volume source, StorageState storage) {
        }
        List<Disk> disks = new ArrayList<>();
        Map<String, String> config = new LinkedHashMap<>();
        String snapname = params.get("snapname");
        engine.store().read(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            Map<String, String> source = snapname != null ? vm.snapshots.get(snapname).config : vm.config;
            for (Map.Entry<String, String> entry : source.entrySet()) {
                String key = entry.getKey();
                String value = entry.getValue();
                if (key.equals("parent") || key.equals("lock") || key.startsWith("unused") || key.equals("template")) {
                    continue;
                }
                if (Drives.NET_KEY.matcher(key).matches()) {
                    Map<String, String> net = Drives.parse(value);
                    String model = value.split("[=,]")[0];
                    Map<String, String> parts = new LinkedHashMap<>();
                    parts.put("model", model);
                    parts.put("macaddr", engine.mac());
                    net.forEach((k, v) -> {
                        if (!k.equals("file") && !k.equals(model)) {
                            parts.put(k, v);
                        }
                    });
                    config.put(key, Drives.printNet(parts));
                } else if (Drives.DISK_KEY.matcher(key).matches() && !Drives.cdrom(value)) {
                    Map<String, String> parts = Drives.parse(value);
                    String volid = parts.get("file");
                    VmState.Volume volume = vm.volumes.stream().filter(v -> v.volid.equals(volid)).findFirst()
                            .orElseThrow(() -> new Failure("volume '" + volid + "' does not exist"));
                    String storageId = targetStorage != null && full && !Drives.cloudinit(value) ? targetStorage
                            : volume.storage;
                    StorageState storage = QmDisks.usableStorage(state, target, storageId);
                    disks.add(new Disk(key, parts, volume, storage));
                } else {
                    config.put(key, value);
                }
            }
            return null;
        });
        config.put("smbios1", "uuid=" + engine.uuid());
        config.put("vmgenid", engine.uuid());
        params.computeIfPresent("name", (k, v) -> {
            config.put("name", v);
            return v;
        });
        if (!params.containsKey("name")) {
            config.put("name", "Copy-of-VM-" + config.getOrDefault("name", "VM" + vmid));
        }
        params.computeIfPresent("description", (k, v) -> {
            config.put("description", v);
            return v;
        });
        for (Disk disk : disks) {
            boolean cloudinit = Drives.cloudinit(disk.parts.get("file"));
            boolean copy = full || cloudinit;
            exec.out("create " + (copy ? "full" : "linked") + " clone of drive " + disk.key + " ("
                    + disk.source.volid + ")");
            String volid = engine.store().write(state -> {
                VmState clone = state.vms.get(newid);
                String name;
                if (cloudinit) {
                    name = "vm-" + newid + "-cloudinit";
                } else {
                    int index = 0;
                    while (taken(clone, disk.storage.id, "vm-" + newid + "-disk-" + index)) {
                        index++;
                    }
                    name = "vm-" + newid + "-disk-" + index;
                }
                String format = disk.storage.fileBased()
                        ? params.getOrDefault("format", disk.source.format == null ? "qcow2" : disk.source.format) : "raw";
                String volname;
                if (disk.storage.fileBased()) {
                    String baseName = disk.source.volid.substring(disk.source.volid.indexOf(':') + 1);
                    // a linked clone on a directory names its base: 100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2
                    volname = !copy ? baseName + "/" + newid + "/" + name + "." + format
                            : newid + "/" + name + "." + (cloudinit ? "qcow2" : format);
                } else {
                    volname = name;
                }
                VmState.Volume volume = new VmState.Volume(disk.storage.id, volname, disk.source.sizeBytes,
                        disk.storage.fileBased() ? format : "raw");
                clone.volumes.add(volume);
                return volume.volid;
            });
            if (copy && !cloudinit) {
                QmDisks.transfer(exec, disk.source.sizeBytes);
            } else {
                exec.pause(Duration.ofMillis(200));
            }
            Map<String, String> parts = new LinkedHashMap<>(disk.parts);
            parts.put("file", volid);
            config.put(disk.key, Drives.print(parts));
        }
        engine.store().write(state -> {
            VmState clone = state.vms.get(newid);
            clone.config.clear();
            clone.config.putAll(config);
            clone.config.put("meta", "creation-qemu=" + engine.release().qemuVersion() + ",ctime="
                    + engine.time().nowMillis() / 1000);
            return null;
        });
        exec.pause(Duration.ofMillis(300));
    }

    private static String firstDisk(VmState vm) {
        for (Map.Entry<String, String> entry : vm.config.entrySet()) {
            if (Drives.DISK_KEY.matcher(entry.getKey()).matches() && !Drives.cdrom(entry.getValue())) {
                return "'" + Drives.parse(entry.getValue()).get("file") + "' (" + entry.getKey() + ")";
            }
        }
        return "none";
    }

    private static boolean taken(VmState vm, String storage, String name) {
        for (VmState.Volume volume : vm.volumes) {
            if (volume.storage.equals(storage) && volume.volid.contains(name)) {
                return true;
            }
        }
        return false;
    }
}
