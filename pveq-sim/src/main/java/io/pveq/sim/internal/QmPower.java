package io.pveq.sim.internal;

import io.pveq.sim.internal.qemu.QemuGuests;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code qm start|stop|shutdown|reboot|destroy|migrate}: task commands with Proxmox's state rules. */
final class QmPower {

    private static final List<String> V2 = List.of("cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3");
    private static final List<String> V3 = List.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave");
    private static final List<String> V4 = List.of("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final Engine engine;

    QmPower(Engine engine) {
        this.engine = engine;
    }

    void start(Exec exec, Map<String, String> params) {
        startVm(exec, Integer.parseInt(params.get("vmid")), "1".equals(params.get("skiplock")));
    }

    void startVm(Exec exec, int vmid, boolean skiplock) {
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        String owner = engine.lockVm(exec, vmid);
        try {
            boolean cloudinit = engine.store().read(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                Engine.checkConfigLock(vm, skiplock);
                if (vm.running()) {
                    throw new Failure("VM " + vmid + " already running");
                }
                List<String> missing = missingCpuFlags(vm, Engine.node(state, exec.node()));
                if (!missing.isEmpty()) {
                    StringBuilder text = new StringBuilder();
                    for (String flag : missing) {
                        text.append("kvm: warning: host doesn't support requested feature: ").append(flag).append('\n');
                    }
                    text.append("kvm: Host doesn't support requested features\n");
                    text.append("start failed: QEMU exited with code 1");
                    throw new Failure(text.toString());
                }
                return vm.config.values().stream().anyMatch(Drives::cloudinit);
            });
            if (cloudinit) {
                exec.out("generating cloud-init ISO");
            }
            engine.store().read(state -> QmStates.startWarnings(Engine.localVm(state, exec.node(), vmid)))
                    .forEach(warning -> exec.err("WARN: " + warning));
            Optional<VmState.QemuProcess> real = engine.qemu().map(qemu -> startReal(qemu, exec, vmid));
            exec.pause(Duration.ofSeconds(2));
            engine.store().write(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                vm.status = "running";
                vm.qemu = real.orElse(null);
                vm.pid = real.map(p -> (int) p.pid).orElseGet(() -> (int) (state.nextSequence() % 4_000_000) + 1000);
                long now = engine.time().nowMillis();
                vm.startedAtMillis = now;
                vm.bootedAtMillis = now;
                vm.guest.boots++;
                for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                    if (Drives.cloudinit(entry.getValue()) && !entry.getValue().contains("size=")) {
                        entry.setValue(entry.getValue() + ",size=4M");
                    }
                }
                return null;
            });
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    /** Boots the VM's real guest: volumes made where missing, then QEMU. */
    private VmState.QemuProcess startReal(QemuGuests qemu, Exec exec, int vmid) {
        Object[] snapshot = engine.store().read(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            return new Object[] {vm, CloudInit.nodeDns(state, vm)};
        });
        VmState vm = (VmState) snapshot[0];
        @SuppressWarnings("unchecked")
        List<String> dns = (List<String>) snapshot[1];
        Map<String, String> files = new LinkedHashMap<>();
        for (VmState.Volume volume : vm.volumes) {
            String file = volume.file;
            if (file == null && !volume.volid.contains("-cloudinit")) {
                file = qemu.allocateVolume(exec.node(), volume.storage, volume.volid.substring(volume.volid.indexOf(':') + 1),
                        volume.sizeBytes);
                String made = file;
                engine.store().write(state -> {
                    state.vm(vmid).ifPresent(v -> v.volumes.stream().filter(x -> x.volid.equals(volume.volid))
                            .forEach(x -> x.file = made));
                    return null;
                });
            }
            if (file != null) {
                files.put(volume.volid, file);
            }
        }
        return qemu.start(vm, files, dns);
    }

    /** @return the /proc/cpuinfo flags the VM's CPU type needs and the node lacks */
    static List<String> missingCpuFlags(VmState vm, NodeState node) {
        String cpu = vm.config.getOrDefault("cpu", "kvm64");
        String type = Drives.parse(cpu).getOrDefault("file", cpu);
        List<String> needed = new ArrayList<>();
        if (type.startsWith("x86-64-v")) {
            needed.addAll(V2);
            if (!type.equals("x86-64-v2")) {
                needed.add("aes");
            }
            if (type.equals("x86-64-v3") || type.equals("x86-64-v4")) {
                needed.addAll(V3);
            }
            if (type.equals("x86-64-v4")) {
                needed.addAll(V4);
            }
        }
        Set<String> present = new HashSet<>(Arrays.asList(node.cpuFlags.split(" ")));
        return needed.stream().filter(flag -> !present.contains(flag)).toList();
    }

    void stop(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        halt(exec, vmid, "1".equals(params.get("skiplock")), Duration.ofSeconds(1), null, false);
    }

    void shutdown(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(params.getOrDefault("timeout", "180")));
        halt(exec, vmid, "1".equals(params.get("skiplock")), Duration.ofSeconds(5), timeout,
                "1".equals(params.get("forceStop")));
    }

    /**
     * @param acpiTimeout null for a hard stop (QMP quit), else how long an ACPI shutdown may take
     * @param forceStop   whether a shutdown that times out stops the VM instead of failing
     */
    private void halt(Exec exec, int vmid, boolean skiplock, Duration nominal, Duration acpiTimeout, boolean forceStop) {
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        String owner = engine.lockVm(exec, vmid);
        try {
            boolean running = engine.store().read(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                Engine.checkConfigLock(vm, skiplock);
                return vm.running();
            });
            if (!running) {
                return;
            }
            VmState.QemuProcess real = engine.store().read(state -> Engine.localVm(state, exec.node(), vmid).qemu);
            if (real != null) {
                QemuGuests qemu = engine.qemu().orElseThrow(() -> new Failure("VM " + vmid + " runs under QEMU but the"
                        + " cluster no longer boots real guests"));
                if (acpiTimeout == null) {
                    qemu.stop(real);
                } else if (!qemu.powerdown(real, acpiTimeout)) {
                    if (!forceStop) {
                        throw new Failure("VM quit/powerdown failed - got timeout");
                    }
                    qemu.stop(real);
                }
                qemu.cleanRun(vmid);
            } else {
                exec.pause(nominal);
            }
            engine.store().write(state -> {
                QmStates.markStopped(Engine.localVm(state, exec.node(), vmid));
                return null;
            });
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    void reboot(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        String owner = engine.lockVm(exec, vmid);
        try {
            engine.store().read(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                Engine.checkConfigLock(vm, false);
                if (!vm.running()) {
                    throw new Failure("VM " + vmid + " not running");
                }
                return null;
            });
            VmState.QemuProcess real = engine.store().read(state -> Engine.localVm(state, exec.node(), vmid).qemu);
            Optional<QemuGuests> qemu = engine.qemu();
            Optional<VmState.QemuProcess> again = Optional.empty();
            if (real != null && qemu.isPresent()) {
                // as qemu-server does: shut the guest down, then start it again (pending changes applied)
                Duration timeout = Duration.ofSeconds(Long.parseLong(params.getOrDefault("timeout", "180")));
                if (!qemu.get().powerdown(real, timeout)) {
                    throw new Failure("VM quit/powerdown failed - got timeout");
                }
                qemu.get().cleanRun(vmid);
                again = Optional.of(startReal(qemu.get(), exec, vmid));
            } else {
                exec.pause(Duration.ofSeconds(3));
            }
            Optional<VmState.QemuProcess> restarted = again;
            engine.store().write(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                vm.bootedAtMillis = engine.time().nowMillis();
                vm.guest.boots++;
                restarted.ifPresent(p -> {
                    // the old QEMU's end may have been seen meanwhile (Engine.followRealGuests marks the VM
                    // stopped between the two processes, as Proxmox's status shows it): running again
                    vm.status = "running";
                    vm.paused = false;
                    vm.qemu = p;
                    vm.pid = (int) p.pid;
                    vm.startedAtMillis = engine.time().nowMillis();
                });
                return null;
            });
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    void destroy(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        boolean skiplock = "1".equals(params.get("skiplock"));
        engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        String owner = engine.lockVm(exec, vmid);
        try {
            List<String> removed = engine.store().read(state -> {
                Engine.requireQuorum(state);
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                Engine.checkConfigLock(vm, skiplock);
                if (vm.running()) {
                    throw new Failure("VM " + vmid + " is running - destroy failed");
                }
                List<String> lines = new ArrayList<>();
                NodeState node = Engine.node(state, exec.node());
                for (VmState.Volume volume : vm.volumes) {
                    node.storage(volume.storage).filter(s -> "lvmthin".equals(s.type)).ifPresent(s -> lines.add(
                            "  Logical volume \"" + volume.volid.substring(volume.volid.indexOf(':') + 1)
                                    + "\" successfully removed."));
                }
                return lines;
            });
            exec.pause(Duration.ofSeconds(1));
            removed.forEach(exec::out);
            VmState gone = engine.store().write(state -> state.vms.remove(vmid));
            engine.qemu().ifPresent(qemu -> {
                qemu.deleteVolumes(gone.volumes.stream().map(v -> v.file).filter(java.util.Objects::nonNull).toList());
                qemu.forget(vmid);
            });
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    void migrate(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String target = params.get("target");
        boolean online = "1".equals(params.get("online"));
        boolean withLocalDisks = "1".equals(params.get("with-local-disks"));
        if (target.equals(exec.node())) {
            throw new Failure("400 Parameter verification failed.\ntarget: target is local node.\n"
                    + "qm migrate <vmid> <target> [OPTIONS]");
        }
        String[] addressAndLocal = engine.store().read(state -> {
            Engine.requireQuorum(state);
            NodeState targetNode = state.node(target)
                    .orElseThrow(() -> new Failure("no such cluster node '" + target + "'"));
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            if (vm.running() && !online) {
                throw new Failure("can't migrate running VM without --online");
            }
            return new String[] {targetNode.address};
        });
        String owner = engine.lockVm(exec, vmid);
        long started = engine.time().nowMillis();
        try {
            long bytes = engine.store().write(state -> {
                VmState vm = Engine.localVm(state, exec.node(), vmid);
                Engine.checkConfigLock(vm, false);
                vm.config.put("lock", "migrate");
                long total = 0;
                for (VmState.Volume volume : vm.volumes) {
                    total += volume.sizeBytes;
                }
                return total;
            });
            log(exec, "starting migration of VM " + vmid + " to node '" + target + "' (" + addressAndLocal[0] + ")");
            try {
                List<String> localDisks = engine.store().read(state -> checkTarget(state, vmid, target, online,
                        withLocalDisks));
                for (String disk : localDisks) {
                    log(exec, "found local disk '" + disk + "' (attached)");
                }
                if (online) {
                    log(exec, "starting VM " + vmid + " on remote node '" + target + "'");
                }
                exec.pause(Duration.ofSeconds(2).plusMillis(bytes * 1000 / (300L << 20)));
            } catch (Failure failure) {
                log(exec, "ERROR: migration aborted (duration " + elapsed(started) + "): " + failure.getMessage());
                engine.store().write(state -> {
                    state.vm(vmid).ifPresent(vm -> vm.config.remove("lock"));
                    return null;
                });
                throw new Failure("migration aborted");
            }
            engine.store().write(state -> {
                VmState vm = state.vms.get(vmid);
                vm.node = target;
                vm.config.remove("lock");
                return null;
            });
            log(exec, "migration finished successfully (duration " + elapsed(started) + ")");
        } finally {
            engine.unlockVm(vmid, owner);
        }
    }

    private static List<String> checkTarget(ClusterState state, int vmid, String target, boolean online,
                                            boolean withLocalDisks) {
        NodeState targetNode = state.node(target).orElseThrow();
        if (!targetNode.online) {
            throw new Failure("Can't connect to destination address using public key");
        }
        VmState vm = state.vms.get(vmid);
        List<String> local = new ArrayList<>();
        for (VmState.Volume volume : vm.volumes) {
            if (targetNode.storage(volume.storage).isEmpty()) {
                throw new Failure("storage '" + volume.storage + "' is not available on node '" + target + "'");
            }
            boolean shared = state.node(vm.node).flatMap(n -> n.storage(volume.storage)).map(s -> s.shared)
                    .orElse(false);
            if (!shared) {
                local.add(volume.volid);
            }
        }
        if (online && !local.isEmpty() && !withLocalDisks) {
            throw new Failure("can't live migrate attached local disks without with-local-disks option");
        }
        return local;
    }

    private void log(Exec exec, String text) {
        exec.out(LOG_TIME.format(Instant.ofEpochMilli(engine.time().nowMillis())) + " " + text);
    }

    private String elapsed(long startedMillis) {
        long seconds = Math.max(0, (engine.time().nowMillis() - startedMillis) / 1000);
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
