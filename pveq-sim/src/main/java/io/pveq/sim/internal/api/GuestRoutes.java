package io.pveq.sim.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.QmAgent;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.VmState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the simulated guests answer: the QEMU guest agent (ping, interfaces, exec, file systems, OS,
 * host name) once the guest has booted, with Proxmox's errors before that ({@code QEMU guest agent
 * is not running}); RRD statistics; console tickets ({@code vncproxy}, {@code termproxy}). A real
 * guest (the cluster boots VMs under QEMU) answers the agent's paths from its own agent socket.
 */
final class GuestRoutes {

    private static final String VM = QemuRoutes.VM;
    private static final Duration EXEC_TIME = Duration.ofMillis(500);

    /** A command started through {@code agent/exec}: its outcome and when it is done. */
    record Execution(long doneAtMillis, int exitCode, String out, String err) {
    }

    /** The guest agents' memory of started commands and of files written through them, per API server. */
    static final class Agents {
        private final Map<String, Execution> executions = new ConcurrentHashMap<>();
        private final AtomicInteger pids = new AtomicInteger(1000);
        /** Files in the guests, by "vmid:path" ({@link AgentFileRoutes}). */
        final Map<String, String> files = new ConcurrentHashMap<>();
    }

    private GuestRoutes() {
    }

    static void register(ApiRoutes routes) {
        routes.post(VM + "/agent/ping").handle(call -> {
            VmState vm = agent(call);
            return result(real(call, vm, "guest-ping", null).map(Object.class::cast).orElse(Map.of()));
        });
        routes.get(VM + "/agent/network-get-interfaces").handle(call -> {
            VmState vm = agent(call);
            return result(real(call, vm, "guest-network-get-interfaces", null).map(Object.class::cast)
                    .orElseGet(() -> interfaces(vm)));
        });
        routes.get(VM + "/agent/get-host-name").handle(call -> {
            VmState vm = agent(call);
            return result(real(call, vm, "guest-get-host-name", null).map(Object.class::cast)
                    .orElseGet(() -> Map.of("host-name", hostname(vm))));
        });
        routes.get(VM + "/agent/get-osinfo").handle(call -> {
            VmState vm = agent(call);
            Optional<JsonNode> real = real(call, vm, "guest-get-osinfo", null);
            if (real.isPresent()) {
                return result(real.get());
            }
            Map<String, Object> os = new TreeMap<>();
            os.put("id", "debian");
            os.put("name", "Debian GNU/Linux");
            os.put("pretty-name", "Debian GNU/Linux 12 (bookworm)");
            os.put("version", "12 (bookworm)");
            os.put("version-id", "12");
            os.put("kernel-release", "6.1.0-28-amd64");
            os.put("kernel-version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)");
            os.put("machine", "x86_64");
            return result(os);
        });
        routes.get(VM + "/agent/get-fsinfo").handle(call -> {
            VmState vm = agent(call);
            Optional<JsonNode> real = real(call, vm, "guest-get-fsinfo", null);
            if (real.isPresent()) {
                return result(real.get());
            }
            long total = diskBytes(vm);
            Map<String, Object> disk = new TreeMap<>();
            disk.put("bus-type", "scsi");
            disk.put("bus", 0);
            disk.put("target", 0);
            disk.put("unit", 0);
            disk.put("dev", "/dev/sda1");
            disk.put("serial", "0QEMU_QEMU_HARDDISK_drive-scsi0");
            disk.put("pci-controller", Map.of("bus", 0, "domain", 0, "function", 0, "slot", 5));
            Map<String, Object> root = new TreeMap<>();
            root.put("name", "sda1");
            root.put("mountpoint", "/");
            root.put("type", "ext4");
            root.put("total-bytes", total);
            root.put("used-bytes", total / 5);
            root.put("disk", List.of(disk));
            return result(List.of(root));
        });
        routes.post(VM + "/agent/exec")
                .array("command", Rule.string(0))
                .rule("input-data", Rule.string(65536))
                .handle(GuestRoutes::exec);
        routes.get(VM + "/agent/exec-status")
                .rule("pid", Rule.integer(null, null))
                .handle(GuestRoutes::execStatus);
        AgentFileRoutes.register(routes);
        rrdRules(routes.get(VM + "/rrddata")).handle(GuestRoutes::rrd);
        routes.post(VM + "/vncproxy")
                .rule("websocket", Rule.bool())
                .rule("generate-password", Rule.bool())
                .task()
                .handle(call -> console(call, true));
        routes.post(VM + "/termproxy")
                .rule("serial", Rule.oneOf("serial0", "serial1", "serial2", "serial3"))
                .task()
                .handle(call -> console(call, false));
    }

    private static Map<String, Object> result(Object value) {
        return Map.of("result", value);
    }

    /** agent_available plus a guest that has booted far enough for its agent to answer. */
    static VmState agent(ApiCall call) {
        int vmid = call.vmid();
        if (call.engine().faults().guestUnreachable(vmid)) {
            throw new Failure("VM " + vmid + " qmp command 'guest-ping' failed - got timeout");
        }
        return call.read(state -> {
            VmState vm = Engine.localVm(state, call.node(), vmid);
            if (!vm.config.containsKey("agent")) {
                throw new Failure("No QEMU guest agent configured");
            }
            if (!vm.running()) {
                throw new Failure("VM " + vmid + " is not running");
            }
            if (!QemuRoutes.agentEnabled(vm)) {
                throw new Failure("QEMU guest agent is not enabled");
            }
            long upAt = vm.bootedAtMillis + call.engine().bootDelay().toMillis();
            // a real guest's agent answers for itself (or not: see real())
            if (vm.paused || vm.qemu == null && call.engine().time().nowMillis() < upAt) {
                throw new Failure("QEMU guest agent is not running");
            }
            return vm;
        });
    }

    /**
     * @return the answer of the VM's real guest agent when it runs under QEMU; empty for a simulated guest
     * @throws Failure with qemu-server's words when the real agent is silent or fails
     */
    private static Optional<JsonNode> real(ApiCall call, VmState vm, String command, ObjectNode arguments) {
        return QmAgent.ask(call.engine(), vm, command, arguments);
    }

    static String hostname(VmState vm) {
        String name = vm.config.getOrDefault("name", "VM" + vm.vmid);
        return name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    }

    private static List<Object> interfaces(VmState vm) {
        List<Object> out = new ArrayList<>();
        out.add(nic("lo", "00:00:00:00:00:00", List.of(address("127.0.0.1", "ipv4", 8), address("::1", "ipv6", 128))));
        for (Map.Entry<String, String> entry : vm.config.entrySet()) {
            if (!entry.getKey().matches("net\\d+")) {
                continue;
            }
            int index = Integer.parseInt(entry.getKey().substring(3));
            String mac = entry.getValue().split("[=,]").length > 1 ? entry.getValue().split("[=,]")[1] : "";
            mac = mac.toLowerCase(Locale.ROOT);
            List<Object> addresses = new ArrayList<>();
            String ipconfig = vm.config.get("ipconfig" + index);
            if (ipconfig != null) {
                String ip = ConfigChecks.parts(ipconfig).get("ip");
                if (ip != null && ip.contains("/")) {
                    addresses.add(address(ip.substring(0, ip.indexOf('/')), "ipv4",
                            Integer.parseInt(ip.substring(ip.indexOf('/') + 1))));
                }
            }
            addresses.add(address(linkLocal(mac), "ipv6", 64));
            out.add(nic("eth" + index, mac, addresses));
        }
        return out;
    }

    private static Map<String, Object> nic(String name, String mac, List<Object> addresses) {
        Map<String, Object> nic = new TreeMap<>();
        nic.put("name", name);
        nic.put("hardware-address", mac);
        nic.put("ip-addresses", addresses);
        nic.put("statistics", new TreeMap<>(Map.of("rx-bytes", 0, "rx-dropped", 0, "rx-errs", 0, "rx-packets", 0,
                "tx-bytes", 0, "tx-dropped", 0, "tx-errs", 0, "tx-packets", 0)));
        return nic;
    }

    private static Map<String, Object> address(String ip, String type, int prefix) {
        return new TreeMap<>(Map.of("ip-address", ip, "ip-address-type", type, "prefix", prefix));
    }

    /** The EUI-64 link-local address of a MAC, as a guest configures it. */
    static String linkLocal(String mac) {
        String[] b = mac.split(":");
        if (b.length != 6) {
            return "fe80::1";
        }
        int[] v = new int[6];
        for (int i = 0; i < 6; i++) {
            v[i] = Integer.parseInt(b[i], 16);
        }
        return String.format(Locale.ROOT, "fe80::%x:%x:%x:%x", ((v[0] ^ 0x02) << 8) | v[1], (v[2] << 8) | 0xff,
                0xfe00 | v[3], (v[4] << 8) | v[5]);
    }

    private static long diskBytes(VmState vm) {
        long total = 0;
        for (VmState.Volume volume : vm.volumes) {
            if (!volume.volid.contains("cloudinit")) {
                total = Math.max(total, volume.sizeBytes);
            }
        }
        return total;
    }

    private static Object exec(ApiCall call) {
        VmState vm = agent(call);
        List<String> command = call.array("command");
        if (command.isEmpty()) {
            throw ApiException.parameter("command", "property is missing and it is not optional");
        }
        String input = call.optional("input-data").orElse("");
        if (vm.qemu != null) {
            // as qemu-server's qemu_exec: the program and its arguments, the input base64-encoded, output captured
            ObjectNode arguments = QmAgent.arguments().put("path", command.get(0)).put("capture-output", true);
            command.subList(1, command.size()).forEach(arguments.putArray("arg")::add);
            if (call.optional("input-data").isPresent()) {
                arguments.put("input-data", Base64.getEncoder().encodeToString(input.getBytes(StandardCharsets.UTF_8)));
            }
            Optional<JsonNode> started = real(call, vm, "guest-exec", arguments);
            if (started.isPresent()) {
                return Map.of("pid", started.get().path("pid").asLong());
            }
        }
        int exit = call.engine().faults().takeScriptFailure(vm.vmid).orElse(0);
        String program = command.get(0).substring(command.get(0).lastIndexOf('/') + 1);
        List<String> args = command.subList(1, command.size());
        Agents agents = call.context().agents();
        String err = "";
        Duration runs = EXEC_TIME;
        String out = switch (program) {
            case "hostname" -> hostname(vm) + "\n";
            case "echo" -> String.join(" ", args) + "\n";
            case "uname" -> "Linux\n";
            case "cat" -> {
                if (args.isEmpty()) {
                    yield input;
                }
                StringBuilder text = new StringBuilder();
                for (String file : args) {
                    Optional<String> content = AgentFileRoutes.read(agents, vm, file);
                    if (content.isPresent()) {
                        text.append(content.get());
                    } else {
                        err += "cat: " + file + ": No such file or directory\n";
                        exit = exit == 0 ? 1 : exit;
                    }
                }
                yield text.toString();
            }
            case "sleep" -> {
                runs = Duration.ofSeconds(!args.isEmpty() && args.get(0).matches("\\d{1,6}") ? Long.parseLong(args.get(0)) : 0);
                yield "";
            }
            default -> "";
        };
        if (program.equals("false") && exit == 0) {
            exit = 1;
        }
        int pid = agents.pids.incrementAndGet();
        long done = call.engine().time().nowMillis() + call.engine().time().scaled(runs).toMillis();
        agents.executions.put(vm.vmid + ":" + pid, new Execution(done, exit, out, err));
        VmState.ScriptRecord record = new VmState.ScriptRecord();
        record.name = command.get(0);
        record.content = "";
        record.arguments.addAll(command.subList(1, command.size()));
        record.user = "root";
        record.exitCode = exit;
        record.atMillis = call.engine().time().nowMillis();
        record.secretOnStdin = !input.isEmpty();
        call.engine().store().write(state -> {
            state.vm(vm.vmid).ifPresent(v -> v.guest.scripts.add(record));
            return null;
        });
        return Map.of("pid", pid);
    }

    private static Object execStatus(ApiCall call) {
        VmState vm = agent(call);
        if (vm.qemu != null) {
            ObjectNode arguments = QmAgent.arguments().put("pid", Long.parseLong(call.param("pid")));
            Optional<JsonNode> status = real(call, vm, "guest-exec-status", arguments);
            if (status.isPresent()) {
                // qemu-server decodes what the agent captured
                ObjectNode out = status.get().deepCopy();
                for (String stream : List.of("out-data", "err-data")) {
                    if (out.hasNonNull(stream)) {
                        out.put(stream, new String(Base64.getMimeDecoder().decode(out.get(stream).asText()),
                                StandardCharsets.UTF_8));
                    }
                }
                out.put("exited", out.path("exited").asBoolean() ? 1 : 0);
                return out;
            }
        }
        Execution execution = call.context().agents().executions.get(vm.vmid + ":" + call.param("pid"));
        if (execution == null) {
            throw new Failure("Agent error: PID " + call.param("pid") + " does not exist");
        }
        Map<String, Object> out = new TreeMap<>();
        if (call.engine().time().nowMillis() < execution.doneAtMillis()) {
            out.put("exited", 0);
            return out;
        }
        out.put("exited", 1);
        out.put("exitcode", execution.exitCode());
        if (!execution.out().isEmpty()) {
            out.put("out-data", execution.out());
        }
        if (!execution.err().isEmpty()) {
            out.put("err-data", execution.err());
        }
        return out;
    }

    private static Object rrd(ApiCall call) {
        return call.read(state -> {
            VmState vm = Engine.localVm(state, call.node(), call.vmid());
            return rrdPoints(call, vm, io.pveq.sim.internal.QmQuery.cpuCount(vm),
                    io.pveq.sim.internal.QmQuery.memoryBytes(vm), diskBytes(vm));
        });
    }

    /** The {@code rrddata} rules: time frame and consolidation function. */
    static ApiRoutes.Route rrdRules(ApiRoutes.Route route) {
        return route.rule("timeframe", Rule.oneOf("hour", "day", "week", "month", "year", "decade"))
                .rule("cf", Rule.oneOf("AVERAGE", "MAX"));
    }

    /** 70 points of the call's time frame, with values where {@code guest} was running. */
    static List<Map<String, Object>> rrdPoints(ApiCall call, VmState guest, double maxCpu, long maxMem, long maxDisk) {
        long step = switch (call.param("timeframe")) {
            case "hour" -> 60;
            case "day" -> 1800;
            case "week" -> 10800;
            case "month" -> 43200;
            case "year" -> 604800;
            default -> 6048000;
        };
        long now = call.engine().time().nowMillis() / 1000 / step * step;
        List<Map<String, Object>> points = new ArrayList<>();
        for (int i = 69; i >= 0; i--) {
            long time = now - i * step;
            Map<String, Object> point = new TreeMap<>();
            point.put("time", time);
            boolean up = guest.running() && time * 1000 >= guest.startedAtMillis;
            point.put("maxcpu", maxCpu);
            point.put("maxmem", maxMem);
            point.put("maxdisk", maxDisk);
            point.put("disk", 0);
            if (up) {
                point.put("cpu", 0.02);
                point.put("mem", maxMem / 4);
                point.put("netin", 1024.0);
                point.put("netout", 512.0);
                point.put("diskread", 0.0);
                point.put("diskwrite", 2048.0);
            }
            points.add(point);
        }
        return points;
    }

    private static Object console(ApiCall call, boolean vnc) {
        VmState vm = call.read(state -> Engine.localVm(state, call.node(), call.vmid()));
        if (!vnc) {
            String serial = call.optional("serial").orElse("serial0");
            if (!vm.config.containsKey(serial) && call.optional("serial").isPresent()) {
                throw new Failure("serial interface '" + serial + "' is not configured");
            }
        }
        return ConsoleRoutes.ticket(call, "vncproxy", Integer.toString(vm.vmid), vnc, vnc && call.flag("generate-password"));
    }

    /** @return the next console port of this API server (5900 to 5999, as Proxmox hands them out) */
    static int nextConsolePort(ApiCall call) {
        return 5900 + call.context().agents().pids.incrementAndGet() % 100;
    }
}
