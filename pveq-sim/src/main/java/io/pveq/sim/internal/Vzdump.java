package io.pveq.sim.internal;

import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.StorageState;
import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * VM backups as {@code vzdump} writes them and {@code qmrestore} reads them: an archive
 * {@code vzdump-qemu-<vmid>-<YYYY_MM_DD-HH_MM_SS>.vma[.zst|.gz|.lzo]} in the storage's {@code dump}
 * folder that keeps the VM's config and its disks' sizes; a restore that recreates the disks under the
 * new VMID (optionally on another storage) with fresh MACs when {@code unique} is set. Texts follow
 * pve-manager's VZDump and qemu-server's restore ({@code unable to restore VM 101 - VM 101 already exists
 * on node 'pve1'}, {@code ... - vm is running}). Only VMs (qemu) are backed up here.
 */
public final class Vzdump {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String VOLUME_LINE = "#pveq-volume: ";

    private final Engine engine;

    /** @param engine the simulator */
    public Vzdump(Engine engine) {
        this.engine = engine;
    }

    /** @return the archive extension of a {@code compress} value */
    public static String extension(String compress) {
        return switch (compress) {
            case "1", "lzo" -> ".vma.lzo";
            case "gzip" -> ".vma.gz";
            case "zstd" -> ".vma.zst";
            default -> ".vma";
        };
    }

    /**
     * Checks what vzdump checks before it starts: the storage takes backups, the VM exists here.
     *
     * @throws Failure with vzdump's text
     */
    public void check(String node, int vmid, String storage) {
        engine.store().read(state -> {
            StorageState target = backupStorage(state, node, storage);
            Engine.localVm(state, node, vmid);
            return target;
        });
    }

    private static StorageState backupStorage(ClusterState state, String node, String storage) {
        StorageState target = Engine.node(state, node).storage(storage)
                .orElseThrow(() -> new Failure("storage '" + storage + "' does not exist"));
        if (!target.content.contains("backup") || target.path == null) {
            throw new Failure("storage '" + storage + "' does not support backups");
        }
        return target;
    }

    /** Runs one VM's backup in a {@code vzdump} task; returns the archive's volume id. */
    public String backup(Exec exec, int vmid, String storage, String mode, String compress, String notes) {
        String node = exec.node();
        Instant start = Instant.ofEpochMilli(engine.time().nowMillis());
        String file = "vzdump-qemu-" + vmid + "-" + STAMP.format(start) + extension(compress);
        exec.out("INFO: starting new backup job: vzdump " + vmid + " --storage " + storage + " --mode " + mode
                + (compress.equals("0") ? "" : " --compress " + compress) + " --node " + node);
        exec.out("INFO: Starting Backup of VM " + vmid + " (qemu)");
        exec.out("INFO: Backup started at " + LOG_TIME.format(start));
        Object[] taken = engine.store().write(state -> {
            VmState vm = Engine.localVm(state, node, vmid);
            Engine.checkConfigLock(vm, false);
            StorageState target = backupStorage(state, node, storage);
            vm.config.put("lock", "backup");
            StringBuilder content = new StringBuilder();
            vm.config.forEach((k, v) -> {
                if (!k.equals("lock")) {
                    content.append(k).append(": ").append(v).append('\n');
                }
            });
            long total = 0;
            List<String> disks = new ArrayList<>();
            for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                if (!Drives.DISK_KEY.matcher(entry.getKey()).matches() || Drives.cdrom(entry.getValue())
                        || Drives.cloudinit(entry.getValue())) {
                    continue;
                }
                String volid = Drives.parse(entry.getValue()).get("file");
                long size = vm.volumes.stream().filter(v -> v.volid.equals(volid)).mapToLong(v -> v.sizeBytes)
                        .findFirst().orElse(Drives.size(entry.getValue()));
                String format = vm.volumes.stream().filter(v -> v.volid.equals(volid)).map(v -> v.format)
                        .filter(f -> f != null).findFirst().orElse("raw");
                content.append(VOLUME_LINE).append(entry.getKey()).append(' ').append(volid).append(' ').append(size)
                        .append(' ').append(format).append('\n');
                disks.add(entry.getKey() + " " + volid + " " + size);
                total += size;
            }
            return new Object[] {target, content.toString(), disks, total, vm.running(), vm.config.get("name")};
        });
        StorageState target = (StorageState) taken[0];
        @SuppressWarnings("unchecked")
        List<String> disks = (List<String>) taken[2];
        long total = (long) taken[3];
        boolean running = (boolean) taken[4];
        try {
            exec.out("INFO: status = " + (running ? "running" : "stopped"));
            exec.out("INFO: backup mode: " + (running ? mode : "stop"));
            exec.out("INFO: ionice priority: 7");
            Optional.ofNullable((String) taken[5]).ifPresent(name -> exec.out("INFO: VM Name: " + name));
            for (String disk : disks) {
                String[] parts = disk.split(" ");
                exec.out("INFO: include disk '" + parts[0] + "' '" + parts[1] + "' " + Sizes.human(Long.parseLong(parts[2])));
            }
            String path = directory(target) + "/" + file;
            exec.out("INFO: creating vzdump archive '" + path + "'");
            if (running && mode.equals("suspend")) {
                exec.out("INFO: suspending guest");
            }
            if (!running) {
                exec.out("INFO: starting kvm to execute backup task");
            }
            for (int percent = 25; percent <= 100; percent += 25) {
                exec.pause(Duration.ofMillis(400));
                exec.out(String.format(Locale.ROOT, "INFO: %3d%% (%s of %s) in %ds, read: %s/s, write: %s/s", percent,
                        Sizes.human(total * percent / 100), Sizes.human(total), percent / 25,
                        Sizes.human(total / 4), Sizes.human(total / 40)));
            }
            if (running && mode.equals("suspend")) {
                exec.out("INFO: resuming guest");
            }
            if (!running) {
                exec.out("INFO: stopping kvm after backup task");
            }
            long archiveBytes = Math.max(4096, total / 20);
            exec.out("INFO: archive file size: " + Sizes.human(archiveBytes));
            if (!notes.isEmpty()) {
                exec.out("INFO: adding notes to backup");
            }
            engine.store().write(state -> {
                NodeState.FileEntry entry = new NodeState.FileEntry(archiveBytes, total, null);
                entry.content = "#notes: " + notes.replace("\n", "\\n") + "\n" + taken[1];
                for (NodeState n : state.nodes) {
                    if (n.name.equals(node) || (target.shared && n.storage(target.id).isPresent())) {
                        n.files.put(path, entry);
                    }
                }
                return null;
            });
            exec.out("INFO: Finished Backup of VM " + vmid + " (00:00:02)");
            exec.out("INFO: Backup finished at " + LOG_TIME.format(Instant.ofEpochMilli(engine.time().nowMillis())));
            exec.out("INFO: Backup job finished successfully");
            return storage + ":backup/" + file;
        } finally {
            engine.store().write(state -> {
                state.vm(vmid).ifPresent(vm -> {
                    if ("backup".equals(vm.config.get("lock"))) {
                        vm.config.remove("lock");
                    }
                });
                return null;
            });
        }
    }

    /** @return the folder a file-based storage keeps its backups in */
    public static String directory(StorageState storage) {
        return (storage.path == null ? "/var/lib/vz" : storage.path) + "/dump";
    }

    /** A backup archive in a storage's dump folder. */
    public record Archive(String volid, String file, long sizeBytes, int vmid, long ctime, String notes, String format) {
    }

    /** @return the backups in {@code storage} on {@code node}, oldest first */
    public static List<Archive> list(ClusterState state, String node, StorageState storage) {
        List<Archive> out = new ArrayList<>();
        if (storage.path == null || !storage.content.contains("backup")) {
            return out;
        }
        String dir = directory(storage) + "/";
        NodeState n = Engine.node(state, node);
        for (Map.Entry<String, NodeState.FileEntry> file : n.files.entrySet()) {
            String name = file.getKey().startsWith(dir) ? file.getKey().substring(dir.length()) : "";
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("vzdump-qemu-(\\d+)-(\\d{4})_(\\d\\d)_(\\d\\d)-(\\d\\d)_(\\d\\d)_(\\d\\d)\\.(vma(?:\\.zst|\\.gz|\\.lzo)?)")
                    .matcher(name);
            if (!m.matches()) {
                continue;
            }
            long ctime = Instant.parse(m.group(2) + "-" + m.group(3) + "-" + m.group(4) + "T" + m.group(5) + ":"
                    + m.group(6) + ":" + m.group(7) + "Z").getEpochSecond();
            String content = Optional.ofNullable(file.getValue().content).orElse("");
            String notes = content.startsWith("#notes: ") ? content.substring(8, content.indexOf('\n')).replace("\\n", "\n")
                    : "";
            out.add(new Archive(storage.id + ":backup/" + name, file.getKey(), file.getValue().sizeBytes,
                    Integer.parseInt(m.group(1)), ctime, notes, m.group(8)));
        }
        out.sort(java.util.Comparator.comparingLong(Archive::ctime).thenComparing(Archive::volid));
        return out;
    }

    /**
     * The checks qemu-server makes within the request: the archive exists, the VMID is free or
     * {@code force} is given and that VM is stopped.
     *
     * @return the archive's file path on the node
     * @throws Failure with qemu-server's text
     */
    public String checkRestore(String node, int vmid, String archive, boolean force) {
        return engine.store().read(state -> {
            String path = archivePath(state, node, archive);
            Optional<VmState> existing = state.vm(vmid);
            if (existing.isPresent()) {
                VmState vm = existing.get();
                if (!force || !vm.node.equals(node) || !"qemu".equals(vm.type)) {
                    throw new Failure("unable to restore VM " + vmid + " - " + ("lxc".equals(vm.type) ? "CT " : "VM ")
                            + vmid + " already exists on node '" + vm.node + "'");
                }
                if ("1".equals(vm.config.get("protection"))) {
                    throw new Failure("unable to restore VM " + vmid + " - protection mode enabled");
                }
                Engine.checkConfigLock(vm, false);
                if (vm.running()) {
                    throw new Failure("unable to restore VM " + vmid + " - vm is running");
                }
            }
            return path;
        });
    }

    private static String archivePath(ClusterState state, String node, String archive) {
        int colon = archive.indexOf(':');
        if (colon < 0 || !archive.substring(colon + 1).startsWith("backup/")) {
            throw new Failure("unable to parse volume ID '" + archive + "'");
        }
        StorageState storage = Engine.node(state, node).storage(archive.substring(0, colon))
                .orElseThrow(() -> new Failure("storage '" + archive.substring(0, colon) + "' does not exist"));
        String path = directory(storage) + "/" + archive.substring(colon + 1 + "backup/".length());
        if (!Engine.node(state, node).files.containsKey(path)) {
            throw new Failure("volume '" + archive + "' does not exist");
        }
        return path;
    }

    /** Restores {@code archive} as VM {@code vmid} in a {@code qmrestore} task, starting it after when asked. */
    public void restore(Exec exec, int vmid, String archive, Optional<String> storage, boolean unique, boolean start) {
        String node = exec.node();
        String[] read = engine.store().write(state -> {
            String path = archivePath(state, node, archive);
            String content = Engine.node(state, node).files.get(path).content;
            VmState old = state.vms.get(vmid);
            if (old != null) {
                VmState vm = old;
                vm.config.put("lock", "create");
            } else {
                VmState vm = new VmState();
                vm.vmid = vmid;
                vm.node = node;
                vm.createdAtMillis = engine.time().nowMillis();
                vm.config.put("lock", "create");
                state.vms.put(vmid, vm);
            }
            return new String[] {path, content == null ? "" : content};
        });
        exec.out("restore vma archive: vma extract -v -r /var/tmp/vzdumptmp" + vmid + ".fifo " + read[0]
                + " /var/tmp/vzdumptmp" + vmid);
        TreeMap<String, String> config = new TreeMap<>();
        List<String[]> volumes = new ArrayList<>();
        for (String line : read[1].split("\n")) {
            if (line.startsWith(VOLUME_LINE)) {
                volumes.add(line.substring(VOLUME_LINE.length()).split(" "));
            } else if (!line.startsWith("#") && line.contains(": ")) {
                config.put(line.substring(0, line.indexOf(": ")), line.substring(line.indexOf(": ") + 2));
            }
        }
        try {
            exec.pause(Duration.ofMillis(300));
            List<VmState.Volume> created = new ArrayList<>();
            int index = 0;
            long total = 0;
            for (String[] volume : volumes) {
                String key = volume[0];
                String oldVolid = volume[1];
                long size = Long.parseLong(volume[2]);
                String format = volume[3];
                String targetStorage = storage.orElse(oldVolid.substring(0, oldVolid.indexOf(':')));
                boolean fileBased = engine.store().read(state -> Engine.node(state, node).storage(targetStorage)
                        .map(StorageState::fileBased).orElseThrow(() -> new Failure(
                                "storage '" + targetStorage + "' does not exist")));
                String volname = fileBased ? vmid + "/vm-" + vmid + "-disk-" + index + "." + format
                        : "vm-" + vmid + "-disk-" + index;
                index++;
                exec.out("DEV: dev_id=" + index + " size: " + size + " devname: drive-" + key);
                if (!fileBased) {
                    exec.out("  Logical volume \"" + volname + "\" created.");
                }
                exec.out("new volume ID is '" + targetStorage + ":" + volname + "'");
                created.add(new VmState.Volume(targetStorage, volname, size, fileBased ? format : "raw"));
                Map<String, String> drive = new java.util.LinkedHashMap<>(Drives.parse(config.get(key)));
                drive.put("file", targetStorage + ":" + volname);
                config.put(key, Drives.print(drive));
                total += size;
            }
            for (int percent = 25; percent <= 100; percent += 25) {
                exec.pause(Duration.ofMillis(300));
                exec.out("progress " + percent + "% (read " + total * percent / 100 + " bytes, duration "
                        + percent / 25 + " sec)");
            }
            exec.out("total bytes read " + total + ", sparse bytes 0 (0%)");
            if (unique) {
                for (Map.Entry<String, String> entry : config.entrySet()) {
                    if (Drives.NET_KEY.matcher(entry.getKey()).matches()) {
                        entry.setValue(entry.getValue().replaceFirst("^([a-z0-9]+)=[0-9A-Fa-f:]{17}", "$1=" + engine.mac()));
                    }
                }
                config.computeIfPresent("vmgenid", (k, v) -> engine.uuid());
                config.computeIfPresent("smbios1", (k, v) -> v.replaceFirst("uuid=[0-9a-f-]+", "uuid=" + engine.uuid()));
            }
            exec.out("rescan volumes...");
            engine.store().write(state -> {
                VmState vm = state.vms.get(vmid);
                vm.volumes.clear();
                vm.volumes.addAll(created);
                vm.snapshots.clear();
                vm.config = config;
                vm.status = "stopped";
                return null;
            });
        } catch (RuntimeException e) {
            engine.store().write(state -> {
                VmState vm = state.vms.get(vmid);
                if (vm != null && vm.volumes.isEmpty()) {
                    state.vms.remove(vmid);
                } else if (vm != null) {
                    vm.config.remove("lock");
                }
                return null;
            });
            throw e;
        }
        if (start) {
            new QmPower(engine).startVm(exec, vmid, false);
        }
    }
}
