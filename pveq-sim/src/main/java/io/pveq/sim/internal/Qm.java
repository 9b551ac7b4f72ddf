package io.pveq.sim.internal;

import static io.pveq.sim.internal.params.Rule.bool;
import static io.pveq.sim.internal.params.Rule.integer;
import static io.pveq.sim.internal.params.Rule.oneOf;
import static io.pveq.sim.internal.params.Rule.string;

import io.pveq.sim.internal.params.ArgParser;
import io.pveq.sim.internal.params.CommandSpec;
import io.pveq.sim.internal.params.QmRules;
import io.pveq.sim.internal.params.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The simulated {@code qm} command: parses argv per sub-command and dispatches. */
final class Qm {

    private final Engine engine;
    private final Map<String, CommandSpec> specs = new HashMap<>();
    private final QmDisks disks;
    private final QmPower power;
    private final QmQuery query;
    private final QmAgent agent;

    Qm(Engine engine) {
        this.engine = engine;
        this.disks = new QmDisks(engine);
        this.power = new QmPower(engine);
        this.query = new QmQuery(engine);
        this.agent = new QmAgent(engine);
        int major = engine.release().major();
        Rule vmid = integer(100L, 999_999_999L);
        Map<String, Rule> create = new HashMap<>(QmRules.vmOptions(major, false));
        add("create", List.of("vmid"), create);
        Map<String, Rule> set = new HashMap<>(QmRules.vmOptions(major, true));
        set.put("vmid", vmid);
        add("set", List.of("vmid"), set);
        List<String> diskNames = new ArrayList<>();
        for (Map.Entry<String, Integer> bus : QmRules.DISK_BUSES.entrySet()) {
            for (int i = 0; i < bus.getValue(); i++) {
                diskNames.add(bus.getKey() + i);
            }
        }
        diskNames.add("efidisk0");
        diskNames.add("tpmstate0");
        Map<String, Rule> resize = Map.of("vmid", vmid, "disk", oneOf(diskNames.toArray(String[]::new)),
                "size", Rule.pattern("\\+?\\d+(\\.\\d+)?[KMGT]?"), "skiplock", bool(), "digest", string(40));
        add("resize", List.of("vmid", "disk", "size"), resize);
        add("disk resize", List.of("vmid", "disk", "size"), resize);
        add("start", List.of("vmid"), Map.of("vmid", vmid, "skiplock", bool(), "timeout", integer(0L, null),
                "force-cpu", string(0), "migratedfrom", string(0)));
        add("stop", List.of("vmid"), Map.of("vmid", vmid, "skiplock", bool(), "timeout", integer(0L, null),
                "keepActive", bool(), "overrule-shutdown", bool()));
        add("shutdown", List.of("vmid"), Map.of("vmid", vmid, "skiplock", bool(), "timeout", integer(0L, null),
                "keepActive", bool(), "forceStop", bool()));
        add("reboot", List.of("vmid"), Map.of("vmid", vmid, "timeout", integer(0L, null)));
        add("destroy", List.of("vmid"), Map.of("vmid", vmid, "purge", bool(), "skiplock", bool(),
                "destroy-unreferenced-disks", bool()));
        add("migrate", List.of("vmid", "target"), Map.of("vmid", vmid, "target", string(0), "online", bool(),
                "with-local-disks", bool(), "force", bool(), "bwlimit", integer(0L, null),
                "targetstorage", string(0), "migration_type", oneOf("secure", "insecure"),
                "migration_network", string(0)));
        add("status", List.of("vmid"), Map.of("vmid", vmid, "verbose", bool()));
        add("config", List.of("vmid"), Map.of("vmid", vmid, "current", bool(), "snapshot", string(40)));
        add("list", List.of(), Map.of("full", bool()));
        add("cloudinit dump", List.of("vmid", "type"), Map.of("vmid", vmid, "type", oneOf("user", "network", "meta")));
        add("cloudinit pending", List.of("vmid"), Map.of("vmid", vmid));
        add("guest cmd", List.of("vmid", "command"), Map.of("vmid", vmid,
                "command", oneOf(QmAgent.COMMANDS.toArray(String[]::new))));
        Map<String, Rule> importDisk = Map.of("vmid", vmid, "source", string(0), "storage", string(0),
                "format", oneOf("raw", "vmdk", "qcow2"));
        add("disk import", List.of("vmid", "source", "storage"), importDisk);
        add("importdisk", List.of("vmid", "source", "storage"), importDisk);
    }

    private void add(String command, List<String> positionals, Map<String, Rule> rules) {
        List<String> words = new ArrayList<>();
        words.add("qm");
        words.addAll(List.of(command.split(" ")));
        specs.put(command, new CommandSpec(words, positionals, rules, Set.of()));
    }

    void run(Exec exec, List<String> args) {
        String command = null;
        int used = 0;
        if (args.size() >= 2 && specs.containsKey(args.get(0) + " " + args.get(1))) {
            command = args.get(0) + " " + args.get(1);
            used = 2;
        } else if (!args.isEmpty() && specs.containsKey(args.get(0))) {
            command = args.get(0);
            used = 1;
        }
        if (command == null) {
            String shown = args.isEmpty() ? "" : args.get(0);
            throw new Failure("ERROR: unknown command 'qm " + shown + "'\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]");
        }
        Map<String, String> params = ArgParser.parse(specs.get(command), args.subList(used, args.size()));
        String taskType = TASK_TYPES.get(command);
        long started = engine.time().nowMillis();
        try {
            dispatch(exec, command, params);
        } catch (Failure failure) {
            if (taskType != null) {
                engine.recordTask(exec.node(), taskType, params.get("vmid"), started, failure.getMessage());
            }
            throw failure;
        }
        if (taskType != null) {
            String stderr = exec.stderrText().strip();
            boolean failedQuietly = command.endsWith("resize") && !stderr.isEmpty();
            engine.recordTask(exec.node(), taskType, params.get("vmid"), started, failedQuietly ? stderr : "OK");
        }
    }

    /** Task types as Proxmox names them in UPIDs. */
    private static final Map<String, String> TASK_TYPES = Map.of("create", "qmcreate", "start", "qmstart",
            "stop", "qmstop", "shutdown", "qmshutdown", "reboot", "qmreboot", "destroy", "qmdestroy",
            "migrate", "qmigrate", "resize", "qmresize", "disk resize", "qmresize");

    private void dispatch(Exec exec, String command, Map<String, String> params) {
        switch (command) {
            case "create" -> disks.create(exec, params);
            case "set" -> disks.set(exec, params);
            case "resize", "disk resize" -> disks.resize(exec, params);
            case "disk import", "importdisk" -> disks.importDisk(exec, params);
            case "start" -> power.start(exec, params);
            case "stop" -> power.stop(exec, params);
            case "shutdown" -> power.shutdown(exec, params);
            case "reboot" -> power.reboot(exec, params);
            case "destroy" -> power.destroy(exec, params);
            case "migrate" -> power.migrate(exec, params);
            case "status" -> query.status(exec, params);
            case "config" -> query.config(exec, params);
            case "list" -> query.list(exec);
            case "cloudinit dump" -> query.cloudinitDump(exec, params);
            case "cloudinit pending" -> query.cloudinitPending(exec, params);
            case "guest cmd" -> agent.command(exec, params);
            default -> throw new IllegalStateException(command);
        }
    }
}
