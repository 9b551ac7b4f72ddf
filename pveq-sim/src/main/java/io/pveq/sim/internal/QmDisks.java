package io.pveq.sim.internal;

import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.StorageState;
import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code qm create}, {@code qm set}, {@code qm resize} and {@code qm disk import}. */
final class QmDisks {

    /** Nominal import throughput at speed 1. */
    static final long IMPORT_BYTES_PER_SECOND = 400L << 20;
    private static final long CLOUDINIT_BYTES = 4L << 20;

    private final Engine engine;
    private final VmSettings settings;

    QmDisks(Engine engine) {
        this.engine = engine;
        this.settings = new VmSettings(engine);
    }

    /** A create checked against the state but not yet claimed: options, secrets and disk plans. */
    record CreatePlan(int vmid, Map<String, String> options, Map<String, String> secrets,
                      Map<String, DiskPlan> plans, boolean start) {
    }

    void create(Exec exec, Map<String, String> params) {
        CreatePlan plan = prepareCreate(exec, params);
        claim(exec, plan);
        finishCreate(exec, plan);
    }

    /** Checks a create against the state (storages, import sources): Proxmox's checks before the claim. */
    CreatePlan prepareCreate(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String node = exec.node();
        Map<String, String> options = new LinkedHashMap<>(params);
        options.remove("vmid");
        options.remove("node");
        boolean start = "1".equals(options.remove("start"));
        options.remove("storage");
        options.remove("pool");
        Map<String, String> secrets = settings.prepare(exec, options);
        Map<String, DiskPlan> plans = new LinkedHashMap<>();
        engine.store().read(state -> {
            for (Map.Entry<String, String> option : options.entrySet()) {
                if (Drives.DISK_KEY.matcher(option.getKey()).matches()) {
                    plans.put(option.getKey(), plan(state, node, vmid, option.getKey(), option.getValue()));
                }
            }
            return null;
        });
        return new CreatePlan(vmid, options, secrets, plans, start);
    }

    /**
     * Claims the VMID cluster-wide (atomic with every other create, in every process sharing the
     * state): the config exists from here on, locked {@code create}.
     *
     * @throws Failure {@code unable to create VM N - VM N already exists on node 'X'}
     */
    void claim(Exec exec, CreatePlan plan) {
        int vmid = plan.vmid();
        engine.store().write(state -> {
            Engine.requireQuorum(state);
            VmState existing = state.vms.get(vmid);
            if (existing != null) {
                throw new Failure("unable to create VM " + vmid + " - " + existing.kind() + " " + vmid
                        + " already exists on node '" + existing.node + "'");
            }
            VmState vm = new VmState();
            vm.vmid = vmid;
            vm.node = exec.node();
            vm.createdAtMillis = engine.time().nowMillis();
            vm.config.put("lock", "create");
            vm.fileLockOwner = engine.newLockOwner();
            vm.fileLockUntilMillis = System.currentTimeMillis() + Duration.ofMinutes(30).toMillis();
            state.vms.put(vmid, vm);
            return vm.fileLockOwner;
        });
    }

    /** Allocates and imports the disks of a claimed VM and writes its config; removes it on failure. */
    void finishCreate(Exec exec, CreatePlan plan) {
        int vmid = plan.vmid();
        try {
            exec.pause(Duration.ofMillis(500));
            Map<String, String> config = new LinkedHashMap<>();
            for (Map.Entry<String, String> option : plan.options().entrySet()) {
                String key = option.getKey();
                DiskPlan disk = plan.plans().get(key);
                config.put(key, disk != null ? execute(exec, vmid, disk)
                        : settings.normalise(key, option.getValue(), null));
            }
            engine.store().write(state -> {
                VmState vm = state.vms.get(vmid);
                vm.config.remove("lock");
                vm.config.putAll(config);
                vm.secrets.putAll(plan.secrets());
                vm.config.put("meta", "creation-qemu=" + engine.release().qemuVersion() + ",ctime="
                        + engine.time().nowMillis() / 1000);
                vm.config.putIfAbsent("smbios1", "uuid=" + engine.uuid());
                vm.config.putIfAbsent("vmgenid", engine.uuid());
                vm.fileLockOwner = "";
                return null;
            });
        } catch (Failure failure) {
            VmState gone = engine.store().write(state -> state.vms.remove(vmid));
            engine.qemu().ifPresent(qemu -> qemu.deleteVolumes(gone == null ? List.of()
                    : gone.volumes.stream().map(v -> v.file).filter(java.util.Objects::nonNull).toList()));
            throw new Failure("unable to create VM " + vmid + " - " + failure.getMessage());
        } catch (RuntimeException interrupted) {
            // a qm create killed midway cleans up too (qemu-server's eval around the worker): no VM is
            // left locked 'create' with its lock file held by a command that is gone
            engine.store().write(state -> state.vms.remove(vmid));
            throw interrupted;
        }
        if (plan.start()) {
            if (exec.isTask()) {
                exec.out("Execute autostart");
            }
            new QmPower(engine).startVm(exec, vmid, false);
        }
    }

    void abandonCreate(CreatePlan plan) {
        engine.store().write(state -> state.vms.remove(plan.vmid()));
    }

    void set(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        Map<String, String> options = new LinkedHashMap<>(params);
        options.remove("vmid");
        boolean skiplock = "1".equals(options.remove("skiplock"));
        String digest = options.remove("digest");
        options.remove("force");
        options.remove("node");
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        Map<String, String> secrets = settings.prepare(exec, options);
        String owner = engine.lockVm(exec, vmid);
        try {
            VmState snapshot = engine.store().read(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                Engine.checkConfigLock(vm, skiplock);
                checkDigest(vm, digest);
                return vm;
            });
            StringBuilder echo = new StringBuilder("update VM ").append(vmid).append(':');
            options.forEach((k, v) -> echo.append(" -").append(k).append(' ')
                    .append(k.equals("cipassword") ? "<hidden>" : v));
            exec.out(echo.toString());
            String delete = options.remove("delete");
            boolean cloudinitCreated = false;
            Map<String, String> changes = new LinkedHashMap<>();
            for (Map.Entry<String, String> option : options.entrySet()) {
                String key = option.getKey();
                if (Drives.DISK_KEY.matcher(key).matches()) {
                    DiskPlan plan = engine.store().read(state -> plan(state, exec.node(), vmid, key, option.getValue()));
                    changes.put(key, execute(exec, vmid, plan));
                    cloudinitCreated |= plan.kind == Kind.CLOUDINIT;
                } else {
                    changes.put(key, settings.normalise(key, option.getValue(), snapshot.config.get(key)));
                }
            }
            if (cloudinitCreated) {
                exec.out("generating cloud-init ISO");
            }
            engine.store().write(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                if (delete != null) {
                    for (String key : delete.split("[ ,;]+")) {
                        String old = vm.config.remove(key);
                        vm.secrets.remove(key);
                        if (old != null && Drives.DISK_KEY.matcher(key).matches() && !Drives.cdrom(old)) {
                            vm.config.put(freeUnused(vm), Drives.parse(old).get("file"));
                        }
                    }
                }
                for (Map.Entry<String, String> change : changes.entrySet()) {
                    String file = Drives.parse(change.getValue()).get("file");
                    vm.config.entrySet().removeIf(e -> Drives.UNUSED_KEY.matcher(e.getKey()).matches()
                            && e.getValue().equals(file));
                    vm.config.put(change.getKey(), change.getValue());
                }
                vm.secrets.putAll(secrets);
                return null;
            });
            exec.pause(Duration.ofMillis(200));
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    /** Fails when {@code digest} is given and no longer matches the config (another writer came first). */
    static void checkDigest(VmState vm, String digest) {
        if (digest != null && !digest.equals(QmQuery.digest(vm))) {
            throw new Failure("detected modified configuration - file changed by other user? Try again.");
        }
    }

    /** {@code qm unlock}: drops the config lock, whatever it is (what an operator does after a dead task). */
    void unlock(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        String owner = engine.lockVm(exec, vmid);
        try {
            engine.store().write(state -> Engine.localVm(state, exec.node(), vmid).config.remove("lock"));
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    void resize(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String disk = params.get("disk");
        String size = params.get("size");
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        // from here on the work is a task: its failure is printed, but qm still exits 0 (Proxmox quirk)
        try {
            String owner = engine.lockVm(exec, vmid);
            try {
                resizeLocked(exec, vmid, disk, size, "1".equals(params.get("skiplock")), params.get("digest"));
            } finally {
                engine.unlockVm(vmid, owner);
            }
        } catch (Failure failure) {
            if (exec.isTask()) {
                throw failure;
            }
            exec.err(failure.getMessage().strip());
        }
    }

    private void resizeLocked(Exec exec, int vmid, String disk, String size, boolean skiplock, String digest) {
        String[] change = engine.store().write(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            Engine.checkConfigLock(vm, skiplock);
            checkDigest(vm, digest);
            String drive = vm.config.get(disk);
            if (drive == null) {
                throw new Failure("disk '" + disk + "' does not exist");
            }
            if (Drives.cdrom(drive)) {
                throw new Failure("you can't resize a cdrom");
            }
            long current = Drives.size(drive);
            long wanted = size.startsWith("+") ? current + Sizes.parse(size.substring(1)) : Sizes.parse(size);
            if (wanted < current) {
                throw new Failure("shrinking disks is not supported");
            }
            Map<String, String> parts = Drives.parse(drive);
            parts.put("size", Sizes.render(wanted));
            vm.config.put(disk, Drives.print(parts));
            String volid = parts.get("file");
            String type = "";
            for (VmState.Volume volume : vm.volumes) {
                if (volume.volid.equals(volid)) {
                    volume.sizeBytes = wanted;
                    type = state.node(vm.node).flatMap(n -> n.storage(volume.storage)).map(s -> s.type).orElse("");
                }
            }
            String file = vm.volumes.stream().filter(v -> v.volid.equals(volid) && v.file != null).map(v -> v.file)
                    .findFirst().orElse("");
            return new String[] {type, volid, Long.toString(current), Long.toString(wanted), file};
        });
        if (!change[4].isEmpty()) {
            VmState.QemuProcess running = engine.store().read(state -> Engine.localVm(state, exec.node(), vmid).qemu);
            engine.qemu().ifPresent(qemu -> qemu.resize(change[4], disk, running, Long.parseLong(change[3])));
        }
        exec.pause(Duration.ofMillis(500));
        String volname = change[1].substring(change[1].indexOf(':') + 1);
        long from = Long.parseLong(change[2]);
        long to = Long.parseLong(change[3]);
        switch (change[0]) {
            case "lvmthin" -> {
                exec.out(String.format(Locale.ROOT, "  Size of logical volume pve/%s changed from %.2f GiB (%d extents)"
                        + " to %.2f GiB (%d extents).", volname, from / (double) (1L << 30), from >> 22,
                        to / (double) (1L << 30), to >> 22));
                exec.out("  Logical volume pve/" + volname + " successfully resized.");
            }
            case "dir", "nfs" -> exec.out("Image resized.");
            default -> { }
        }
    }

    void importDisk(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String source = params.get("source");
        String storageId = params.get("storage");
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        long[] sizes = engine.sourceSize(exec.node(), source)
                .orElseThrow(() -> new Failure("unable to find source '" + source + "'"));
        StorageState storage = engine.store().read(state -> usableStorage(state, exec.node(), storageId));
        String owner = engine.lockVm(exec, vmid);
        try {
            exec.out("importing disk '" + source + "' to VM " + vmid + " ...");
            String format = storage.fileBased() ? params.getOrDefault("format", "qcow2") : "raw";
            DiskPlan plan = new DiskPlan("unused", new LinkedHashMap<>(), Kind.IMPORT, storage, sizes[1], source, format);
            String volid = allocate(exec, vmid, plan);
            transfer(exec, sizes[1]);
            String unused = engine.store().write(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                String key = freeUnused(vm);
                vm.config.put(key, volid);
                return key;
            });
            exec.out(engine.release().oldImportLine() ? "Successfully imported disk as '" + unused + ":" + volid + "'"
                    : unused + ": successfully imported disk '" + volid + "'");
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    // ---- disk planning and allocation ----

    enum Kind { ALLOC, IMPORT, CLOUDINIT, EXISTING, NONE }

    record DiskPlan(String key, Map<String, String> parts, Kind kind, StorageState storage, long sizeBytes,
                    String source, String format) {
    }

    private DiskPlan plan(ClusterState state, String node, int vmid, String key, String value) {
        Map<String, String> parts = Drives.parse(value);
        String file = parts.getOrDefault("file", "");
        if (Drives.cdrom(value) || file.startsWith("/")) {
            return new DiskPlan(key, parts, Kind.NONE, null, 0, null, null);
        }
        int colon = file.indexOf(':');
        String storageId = file.substring(0, colon);
        String rest = file.substring(colon + 1);
        StorageState storage = usableStorage(state, node, storageId);
        String format = parts.getOrDefault("format", storage.fileBased() ? "qcow2" : "raw");
        if (rest.equals("cloudinit")) {
            return new DiskPlan(key, parts, Kind.CLOUDINIT, storage, CLOUDINIT_BYTES, null, "raw");
        }
        String importFrom = parts.get("import-from");
        if (importFrom != null) {
            String path = importFrom;
            if (!importFrom.startsWith("/")) {
                int c = importFrom.indexOf(':');
                StorageState from = usableStorage(state, node, importFrom.substring(0, c));
                path = (from.path == null ? "/var/lib/vz" : from.path) + "/" + importFrom.substring(c + 1);
            }
            String shown = importFrom;
            long[] sizes = engine.sourceSize(node, path)
                    .orElseThrow(() -> new Failure("could not get file size of " + shown));
            return new DiskPlan(key, parts, Kind.IMPORT, storage, sizes[1], path, format);
        }
        if (rest.matches("\\d+(\\.\\d+)?")) {
            long bytes = (long) (Double.parseDouble(rest) * (1L << 30));
            return new DiskPlan(key, parts, Kind.ALLOC, storage, bytes, null, format);
        }
        VmState vm = state.vms.get(vmid);
        if (vm != null) {
            for (VmState.Volume volume : vm.volumes) {
                if (volume.volid.equals(file)) {
                    return new DiskPlan(key, parts, Kind.EXISTING, storage, volume.sizeBytes, null, volume.format);
                }
            }
        }
        throw new Failure("volume '" + file + "' does not exist");
    }

    static StorageState usableStorage(ClusterState state, String node, String id) {
        NodeState n = Engine.node(state, node);
        StorageState storage = n.storage(id).orElseThrow(() -> new Failure("storage '" + id + "' does not exist"));
        if (!storage.enabled) {
            throw new Failure("storage '" + id + "' is disabled");
        }
        return storage;
    }

    /** Carries out a plan; returns the drive string for the config. */
    private String execute(Exec exec, int vmid, DiskPlan plan) {
        Map<String, String> parts = new LinkedHashMap<>(plan.parts);
        parts.remove("import-from");
        switch (plan.kind) {
            case NONE -> {
                return Drives.print(parts);
            }
            case EXISTING -> {
                parts.put("size", Sizes.render(plan.sizeBytes));
                return Drives.print(parts);
            }
            case CLOUDINIT -> {
                parts.put("file", allocate(exec, vmid, plan));
                parts.put("media", "cdrom");
                String drive = Drives.print(parts);
                exec.out(plan.key + ": successfully created disk '" + drive + "'");
                return drive;
            }
            default -> {
                if (!parts.containsKey("format") || !plan.storage.fileBased()) {
                    parts.remove("format");
                }
                String volid = allocate(exec, vmid, plan);
                if (plan.kind == Kind.IMPORT) {
                    transfer(exec, plan.sizeBytes);
                } else {
                    exec.pause(Duration.ofMillis(300));
                }
                parts.put("file", volid);
                parts.put("size", Sizes.render(plan.sizeBytes));
                String drive = Drives.print(parts);
                exec.out(plan.key + ": successfully created disk '" + drive + "'");
                return drive;
            }
        }
    }

    /** Creates the volume in the state and prints what the storage layer prints; returns the volid. */
    private String allocate(Exec exec, int vmid, DiskPlan plan) {
        StorageState storage = plan.storage;
        String volid = engine.store().write(state -> {
            VmState vm = state.vms.get(vmid);
            String name;
            if (plan.kind == Kind.CLOUDINIT) {
                name = "vm-" + vmid + "-cloudinit";
            } else {
                int index = 0;
                while (taken(vm, storage.id, "vm-" + vmid + "-disk-" + index)) {
                    index++;
                }
                name = "vm-" + vmid + "-disk-" + index;
            }
            String volname = storage.fileBased() ? vmid + "/" + name + "." + (plan.kind == Kind.CLOUDINIT ? "qcow2"
                    : plan.format) : name;
            VmState.Volume volume = new VmState.Volume(storage.id, volname, plan.sizeBytes,
                    storage.fileBased() ? plan.format : "raw");
            vm.volumes.add(volume);
            return volume.volid;
        });
        String volname = volid.substring(volid.indexOf(':') + 1);
        if (plan.kind == Kind.IMPORT || plan.kind == Kind.ALLOC) {
            engine.qemu().ifPresent(qemu -> {
                String file = plan.kind == Kind.IMPORT
                        ? qemu.importVolume(exec.node(), storage.id, volname, engine.realFile(exec.node(), plan.source),
                                plan.sizeBytes)
                        : qemu.allocateVolume(exec.node(), storage.id, volname, plan.sizeBytes);
                engine.store().write(state -> {
                    state.vm(vmid).ifPresent(vm -> vm.volumes.stream().filter(v -> v.volid.equals(volid))
                            .forEach(v -> v.file = file));
                    return null;
                });
            });
        }
        if ("lvmthin".equals(storage.type)) {
            exec.out("  Logical volume \"" + volname + "\" created.");
        } else if (storage.fileBased() && plan.kind == Kind.ALLOC) {
            exec.out("Formatting '" + (storage.path == null ? "/var/lib/vz" : storage.path) + "/images/" + volname
                    + "', fmt=" + plan.format + " size=" + plan.sizeBytes);
        }
        return volid;
    }

    private static boolean taken(VmState vm, String storage, String name) {
        for (VmState.Volume volume : vm.volumes) {
            if (volume.storage.equals(storage) && volume.volid.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** Prints {@code transferred X of Y (P%)} lines while the copy's simulated time passes. */
    static void transfer(Exec exec, long bytes) {
        int steps = 10;
        Duration step = Duration.ofNanos((long) (bytes / (double) IMPORT_BYTES_PER_SECOND * 1e9 / steps));
        for (int i = 0; i <= steps; i++) {
            long done = bytes * i / steps;
            exec.out("transferred " + Sizes.human(done) + " of " + Sizes.human(bytes) + " ("
                    + String.format(Locale.ROOT, "%.2f", i * 100.0 / steps) + "%)");
            if (i < steps) {
                exec.pause(step);
            }
        }
    }

    static String freeUnused(VmState vm) {
        int index = 0;
        while (vm.config.containsKey("unused" + index)) {
            index++;
        }
        return "unused" + index;
    }
}
