package io.pveq.core.internal.engine;

import io.pveq.core.NodeName;
import io.pveq.core.internal.pve.SshKeys;
import io.pveq.core.testing.PveCommandCheck;
import io.pveq.core.testing.SchemaViolation;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.TransportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A small stateful fake of a Proxmox cluster for engine unit tests: VMs with configs and power
 * state, answering the qm/pvesh commands the engine issues in the formats FACTS.md records. Every
 * qm/pvesh argv is checked against the real PVE 8 and 9 schemas ({@link PveCommandCheck}); violations are
 * collected for the test to assert empty. Failures are injected by argv prefix. Thread-safe (one lock).
 */
final class FakePve {

    static final String FLAGS_V3 = "fpu sse sse2 pni ssse3 cx16 sse4_1 sse4_2 popcnt lahf_lm aes avx avx2 bmi1 bmi2"
            + " f16c fma abm movbe xsave";
    static final String FLAGS_V2 = "fpu sse sse2 pni ssse3 cx16 sse4_1 sse4_2 popcnt lahf_lm";

    static final class Vm {
        String node;
        String type = "qemu";
        String status = "stopped";
        final TreeMap<String, String> config = new TreeMap<>();
    }

    private record Fault(Optional<String> node, List<String> prefix, int exit, String stderr, int[] times) {
    }

    final Map<Integer, Vm> vms = new TreeMap<>();
    /** Cluster state that lags: VMID to the node /cluster/resources still reports. */
    final Map<Integer, String> staleNode = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<String, String> nodeFlags = new TreeMap<>();
    final Set<String> offline = new java.util.HashSet<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final List<String> uploads = new CopyOnWriteArrayList<>();
    final Map<String, Long> volumeSizes = new HashMap<>();
    final Map<String, String> files = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Fault> faults = new ArrayList<>();
    /** The schema checks; none in a clone without ../shared (the engine tests run anyway). */
    private final List<PveCommandCheck> checks = java.util.stream.Stream.of("pve8", "pve9")
            .map(PveCommandCheck::ifAvailable).flatMap(Optional::stream).toList();
    String storageJson = "[{\"active\":1,\"avail\":900000000000,\"content\":\"images,rootdir\",\"enabled\":1,"
            + "\"shared\":0,\"storage\":\"local-lvm\",\"total\":1000000000000,\"type\":\"lvmthin\",\"used\":1}]";
    boolean resizeSilentlyFails;
    /** Printed on stderr (exit 0) by a resize that works, like LVM's thin-pool overcommit warning. */
    volatile String resizeWarning = "";
    /** Runs (under the fake's lock) after each successful create, with the new VMID. */
    volatile java.util.function.IntConsumer afterCreate = id -> { };

    FakePve(String... nodes) {
        for (String n : nodes) {
            nodeFlags.put(n, FLAGS_V3);
        }
    }

    /** Fails commands starting with {@code prefix} on any node, {@code times} times (-1: always). */
    synchronized FakePve fail(List<String> prefix, int exit, String stderr, int times) {
        faults.add(new Fault(Optional.empty(), List.copyOf(prefix), exit, stderr, new int[] {times}));
        return this;
    }

    synchronized Vm vm(int id) {
        return vms.get(id);
    }

    synchronized FakePve container(int id, String node) {
        Vm vm = new Vm();
        vm.node = node;
        vm.type = "lxc";
        vms.put(id, vm);
        return this;
    }

    synchronized FakePve existingVm(int id, String node, String ipconfig) {
        Vm vm = new Vm();
        vm.node = node;
        vm.config.put("name", "old-" + id);
        if (ipconfig != null) {
            vm.config.put("ipconfig0", ipconfig);
        }
        vms.put(id, vm);
        return this;
    }

    /** @return the transport of one node (with file upload) */
    Node node(String name) {
        return new Node(name);
    }

    final class Node implements CommandTransport, FileTransfer {
        private final String name;

        Node(String name) {
            this.name = name;
        }

        @Override
        public CommandResult run(CommandRequest request) {
            if (Thread.currentThread().isInterrupted()) {
                throw new TransportException("interrupted");
            }
            List<String> argv = request.argv();
            commands.add(name + ": " + request.displayLine());
            if (argv.get(0).equals("qm") || argv.get(0).equals("pvesh")) {
                Optional<String> keys = Optional.empty();
                if (argv.contains("--sshkeys")) {
                    keys = Optional.of(keysOf(argv).orElse(""));
                }
                for (PveCommandCheck check : checks) {
                    for (SchemaViolation v : check.check(argv, keys)) {
                        violations.add(check.version() + ": " + request.displayLine() + ": " + v);
                    }
                }
            }
            String[] out = {"", ""};
            int exit;
            synchronized (FakePve.this) {
                exit = fault(argv, out);
                if (exit < 0) {
                    exit = answer(name, argv, out, keysOf(argv));
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                // like the real transports: a command interrupted while it ran is killed and reported
                // as failed with the interrupt flag kept, whatever it did on the node meanwhile
                throw new TransportException("interrupted while running " + request.displayLine());
            }
            request.listener().ifPresent(l -> out[0].lines().forEach(line -> l.onLine(
                    io.pveq.core.transport.OutputListener.Stream.STDOUT, line)));
            return new CommandResult(request.displayArgv(), exit, out[0], out[1], Duration.ofMillis(1));
        }

        @Override
        public void upload(Path localFile, String remotePath, String sha256Hex, TransferProgress progress) {
            uploads.add(name + ":" + remotePath);
            try {
                files.put(remotePath, Files.isReadable(localFile) ? Files.readString(localFile) : "(image)");
            } catch (IOException e) {
                throw new TransportException("cannot read " + localFile);
            }
        }

        @Override
        public String describe() {
            return "fake " + name;
        }
    }

    private Optional<String> keysOf(List<String> argv) {
        int i = argv.indexOf("--sshkeys");
        if (i < 0) {
            return Optional.empty();
        }
        if (files.containsKey(argv.get(i + 1))) {
            return Optional.of(files.get(argv.get(i + 1)));
        }
        try {
            return Optional.of(Files.readString(Path.of(argv.get(i + 1))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private int fault(List<String> argv, String[] out) {
        for (Fault f : faults) {
            if (argv.size() >= f.prefix().size() && argv.subList(0, f.prefix().size()).equals(f.prefix())
                    && f.times()[0] != 0) {
                f.times()[0]--;
                out[1] = f.stderr();
                return f.exit();
            }
        }
        return -1;
    }

    private int missing(String node, int id, String[] out) {
        out[1] = "Configuration file 'nodes/" + node + "/qemu-server/" + id + ".conf' does not exist\n";
        return 2;
    }

    /** The qm commands that refuse a VM with a config lock unless {@code --skiplock 1} (Proxmox's check_lock). */
    private static final java.util.Set<String> CHECK_LOCK = java.util.Set.of("set", "stop", "start", "shutdown",
            "reboot", "destroy", "migrate", "resize", "disk resize", "disk import");

    private int answer(String node, List<String> argv, String[] out, Optional<String> keys) {
        if (argv.get(0).equals("rm")) {
            files.remove(argv.get(argv.size() - 1));
            return 0;
        }
        if (argv.get(0).equals("stat")) {
            if (files.containsKey(argv.get(argv.size() - 1))) {
                out[0] = "1024\n";
                return 0;
            }
            out[1] = "stat: cannot statx '" + argv.get(argv.size() - 1) + "': No such file or directory\n";
            return 1;
        }
        if (argv.get(0).equals("pvesh")) {
            return pvesh(argv.get(2), argv, out);
        }
        String sub = argv.get(1);
        if (sub.equals("disk")) {
            sub = "disk " + argv.get(2);
        }
        int id = Integer.parseInt(argv.get(sub.startsWith("disk") ? 3 : 2));
        Vm vm = vms.get(id);
        Map<String, String> opts = options(argv);
        if (sub.equals("create")) {
            if (vm != null) {
                out[1] = "unable to create VM " + id + " - VM " + id + " already exists on node '" + vm.node + "'\n";
                return 255;
            }
            vm = new Vm();
            vm.node = node;
            vm.config.putAll(opts);
            vm.config.remove("cipassword");
            if (opts.containsKey("cipassword")) {
                vm.config.put("cipassword", "**********");
            }
            vm.config.put("sshkeys", SshKeys.encode(keys.orElse("")));
            vm.config.put("ide2", opts.get("ide2").replace(":cloudinit", ":vm-" + id + "-cloudinit") + ",media=cdrom");
            vms.put(id, vm);
            out[0] = "ide2: successfully created disk '" + vm.config.get("ide2") + "'\n";
            afterCreate.accept(id);
            return 0;
        }
        if (vm == null || !vm.node.equals(node) || !vm.type.equals("qemu")) {
            return missing(node, id, out);
        }
        String lock = vm.config.get("lock");
        if (lock != null && !"1".equals(opts.get("skiplock")) && CHECK_LOCK.contains(sub)) {
            out[1] = "VM is locked (" + lock + ")\n"; // Proxmox's check_lock, before the command changes anything
            return 255;
        }
        return existing(vm, id, sub, argv, opts, out);
    }

    private int existing(Vm vm, int id, String sub, List<String> argv, Map<String, String> opts, String[] out) {
        switch (sub) {
            case "disk import" -> {
                String volume = argv.get(5) + ":vm-" + id + "-disk-" + vm.config.keySet().stream()
                        .filter(k -> k.matches("(unused|scsi)\\d+")).count();
                volumeSizes.put(volume, 2L << 30);
                vm.config.put("unused0", volume);
                out[0] = "transferred 1.0 GiB of 2.0 GiB (50.00%)\nunused0: successfully imported disk '" + volume + "'\n";
            }
            case "set" -> opts.forEach((k, v) -> {
                if (k.equals("scsi0")) {
                    String volume = v.split(",")[0];
                    vm.config.values().removeIf(volume::equals);
                    vm.config.keySet().removeIf(key -> key.startsWith("unused") && !vm.config.containsKey(key));
                    vm.config.put(k, v + ",size=" + sizeText(volumeSizes.getOrDefault(volume, 1L << 30)));
                } else {
                    vm.config.put(k, v);
                }
            });
            case "resize" -> {
                String slot = argv.get(3);
                String[] parts = vm.config.get(slot).split(",");
                String volume = parts[0];
                long current = volumeSizes.get(volume);
                String size = argv.get(4);
                long wanted = size.startsWith("+") ? current + parse(size.substring(1)) : parse(size);
                if (resizeSilentlyFails) {
                    out[1] = "zfs error: cannot set property: size too large\n";
                    return 0;
                }
                volumeSizes.put(volume, wanted);
                vm.config.put(slot, volume + ",discard=on,iothread=1,size=" + sizeText(wanted));
                out[1] = resizeWarning;
            }
            case "config" -> out[0] = vm.config.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("\n")) + "\n";
            case "status" -> out[0] = "status: " + vm.status + "\n";
            case "start" -> {
                if (vm.status.equals("running")) {
                    out[1] = "VM " + id + " already running\n";
                    return 255;
                }
                vm.status = "running";
            }
            case "stop" -> vm.status = "stopped";
            case "shutdown" -> vm.status = "stopped";
            case "reboot" -> {
                if (!vm.status.equals("running")) {
                    out[1] = "VM " + id + " not running\n";
                    return 255;
                }
            }
            case "destroy" -> {
                if (vm.status.equals("running")) {
                    out[1] = "VM " + id + " is running - destroy failed\n";
                    return 255;
                }
                vms.remove(id);
            }
            case "migrate" -> {
                if (vm.status.equals("running") && !opts.containsKey("online")) {
                    out[1] = "can't migrate running VM without --online\n";
                    return 255;
                }
                vm.node = argv.get(3);
            }
            default -> {
                out[1] = "unknown command 'qm " + sub + "'\n";
                return 255;
            }
        }
        return 0;
    }

    private int pvesh(String path, List<String> argv, String[] out) {
        if (path.equals("/cluster/resources") && argv.contains("vm")) {
            out[0] = vms.entrySet().stream().filter(e -> e.getKey() > 0).map(e -> "{\"id\":\"" + e.getValue().type + "/"
                    + e.getKey() + "\",\"vmid\":" + e.getKey() + ",\"node\":\""
                    + staleNode.getOrDefault(e.getKey(), e.getValue().node) + "\",\"type\":\""
                    + e.getValue().type + "\",\"status\":\"" + e.getValue().status + "\",\"name\":\""
                    + e.getValue().config.getOrDefault("name", "x") + "\",\"maxcpu\":2,\"maxmem\":2147483648,"
                    + "\"mem\":1073741824,\"maxdisk\":17179869184,\"tags\":\""
                    + e.getValue().config.getOrDefault("tags", "") + "\"}").collect(Collectors.joining(",", "[", "]"));
            return 0;
        }
        if (path.equals("/cluster/resources")) {
            out[0] = nodeFlags.keySet().stream().map(n -> "{\"id\":\"node/" + n + "\",\"node\":\"" + n + "\",\"type\":"
                    + "\"node\",\"status\":\"" + (offline.contains(n) ? "offline" : "online") + "\",\"cpu\":0.25,"
                    + "\"maxcpu\":8,\"mem\":4294967296,\"maxmem\":17179869184,\"disk\":1,\"maxdisk\":4}")
                    .collect(Collectors.joining(",", "[", "]"));
            return 0;
        }
        String[] parts = path.split("/");
        if (parts.length == 4 && parts[3].equals("status")) {
            out[0] = "{\"cpuinfo\":{\"flags\":\"" + nodeFlags.get(parts[2]) + "\",\"model\":\"Fake CPU\",\"cpus\":8,"
                    + "\"sockets\":1},\"memory\":{\"total\":17179869184,\"used\":1,\"free\":2},"
                    + "\"pveversion\":\"pve-manager/8.4.14/abc\",\"loadavg\":[\"0.1\",\"0.2\",\"0.3\"]}";
            return 0;
        }
        if (parts.length == 4 && parts[3].equals("storage")) {
            out[0] = storageJson;
            return 0;
        }
        out[1] = "No 'get' handler defined for '" + path + "'\n";
        return 1;
    }

    private static Map<String, String> options(List<String> argv) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i).startsWith("--") && i + 1 < argv.size()) {
                o.put(argv.get(i).substring(2), argv.get(i + 1));
                i++;
            }
        }
        return o;
    }

    static long parse(String size) {
        char unit = size.charAt(size.length() - 1);
        long n = Long.parseLong(size.substring(0, size.length() - 1));
        return n << (10 * ("KMGT".indexOf(unit) + 1));
    }

    static String sizeText(long bytes) {
        return bytes % (1L << 30) == 0 ? (bytes >> 30) + "G" : (bytes >> 20) + "M";
    }

    /** @return the commands run so far whose display line contains {@code text} */
    List<String> commandsWith(String text) {
        return commands.stream().filter(c -> c.contains(text)).toList();
    }

    static NodeName n(String name) {
        return NodeName.of(name);
    }
}
