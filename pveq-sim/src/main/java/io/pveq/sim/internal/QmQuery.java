package io.pveq.sim.internal;

import io.pveq.sim.internal.state.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code qm status|config|list|cloudinit}: read-only commands. */
public final class QmQuery {

    private final Engine engine;

    QmQuery(Engine engine) {
        this.engine = engine;
    }

    void status(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        boolean verbose = "1".equals(params.get("verbose"));
        String text = engine.store().read(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            if (!verbose) {
                return "status: " + vm.status + "\n";
            }
            TreeMap<String, String> fields = new TreeMap<>();
            fields.put("status", vm.status);
            fields.put("qmpstatus", vm.status);
            fields.put("vmid", Integer.toString(vmid));
            fields.put("name", vm.config.getOrDefault("name", "VM " + vmid));
            fields.put("cpus", Integer.toString(cpus(vm)));
            fields.put("maxmem", Long.toString(memoryMb(vm) << 20));
            fields.put("maxdisk", Long.toString(bootDiskBytes(vm)));
            fields.put("uptime", Long.toString(uptimeSeconds(vm)));
            fields.put("mem", Long.toString(vm.running() ? (memoryMb(vm) << 20) / 4 : 0));
            if (vm.running()) {
                fields.put("pid", Integer.toString(vm.pid));
            }
            StringBuilder out = new StringBuilder();
            fields.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
            return out.toString();
        });
        exec.outText(text);
    }

    void config(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String text = engine.store().read(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            StringBuilder out = new StringBuilder();
            vm.config.forEach((k, v) -> out.append(k).append(": ").append(k.equals("cipassword") ? VmSettings.HIDDEN : v)
                    .append('\n'));
            return out.toString();
        });
        exec.outText(text);
    }

    void list(Exec exec) {
        String text = engine.store().read(state -> {
            StringBuilder out = new StringBuilder();
            boolean any = false;
            for (VmState vm : state.vms.values()) {
                if (!vm.node.equals(exec.node()) || !"qemu".equals(vm.type)) {
                    continue;
                }
                if (!any) {
                    out.append(String.format(Locale.ROOT, "%10s %-20s %-10s %-10s %12s %-10s%n", "VMID", "NAME",
                            "STATUS", "MEM(MB)", "BOOTDISK(GB)", "PID"));
                    any = true;
                }
                out.append(String.format(Locale.ROOT, "%10s %-20s %-10s %-10s %12.2f %-10s%n", vm.vmid,
                        vm.config.getOrDefault("name", "VM " + vm.vmid), vm.running() ? "running" : "stopped",
                        memoryMb(vm), bootDiskBytes(vm) / (double) (1L << 30), vm.running() ? vm.pid : 0));
            }
            return out.toString();
        });
        exec.outText(text);
    }

    void cloudinitPending(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String text = engine.store().read(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            StringBuilder out = new StringBuilder();
            for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                if (CloudInit.KEYS.contains(entry.getKey()) || entry.getKey().startsWith("ipconfig")) {
                    out.append("cur ").append(entry.getKey()).append(": ")
                            .append(entry.getKey().equals("cipassword") ? VmSettings.HIDDEN : entry.getValue())
                            .append('\n');
                }
            }
            return out.toString();
        });
        exec.outText(text);
    }

    void cloudinitDump(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String type = params.get("type");
        String text = engine.store().read(state -> {
            VmState vm = Engine.localVm(state, exec.node(), vmid);
            CloudInit.Files files = CloudInit.files(vm, CloudInit.nodeDns(state, vm));
            // qm prints the generated text and one more newline
            return switch (type) {
                case "user" -> files.userData();
                case "network" -> files.networkConfig();
                default -> files.metaData();
            } + "\n";
        });
        exec.outText(text);
    }

    /** @return sockets times cores */
    public static int cpuCount(VmState vm) {
        return cpus(vm);
    }

    /** @return the configured memory in bytes */
    public static long memoryBytes(VmState vm) {
        return memoryMb(vm) << 20;
    }

    static int cpus(VmState vm) {
        int cores = Integer.parseInt(vm.config.getOrDefault("cores", "1"));
        int sockets = Integer.parseInt(vm.config.getOrDefault("sockets", "1"));
        return cores * sockets;
    }

    static long memoryMb(VmState vm) {
        String memory = vm.config.getOrDefault("memory", "512");
        return Long.parseLong(Drives.parse(memory).getOrDefault("file", memory).replace("current=", ""));
    }

    /** @return the size of the first disk in the boot order (or the first disk), in bytes */
    static long bootDiskBytes(VmState vm) {
        List<String> order = new ArrayList<>();
        String boot = vm.config.get("boot");
        if (boot != null) {
            Optional.ofNullable(Drives.parse(boot).get("order")).ifPresent(o -> order.addAll(List.of(o.split(";"))));
        }
        for (String key : order) {
            String drive = vm.config.get(key);
            if (drive != null && Drives.DISK_KEY.matcher(key).matches() && !Drives.cdrom(drive)) {
                return Drives.size(drive);
            }
        }
        for (Map.Entry<String, String> entry : vm.config.entrySet()) {
            if (Drives.DISK_KEY.matcher(entry.getKey()).matches() && !Drives.cdrom(entry.getValue())
                    && !Drives.cloudinit(entry.getValue())) {
                return Drives.size(entry.getValue());
            }
        }
        return 0;
    }

    long uptimeSeconds(VmState vm) {
        return vm.running() ? Math.max(0, (engine.time().nowMillis() - vm.startedAtMillis) / 1000) : 0;
    }

    /** @return the config digest the API reports and {@code digest} parameters are checked against */
    public static String digest(VmState vm) {
        return sha1(vm.config.toString());
    }

    /** @return the SHA-1 hex of a text (config digests) */
    public static String digestOf(String text) {
        return sha1(text);
    }

    static String sha1(String text) {
        return CloudInit.sha1(text);
    }
}
