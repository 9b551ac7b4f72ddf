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

/**
 * The simulated {@code qm} command: parses argv per sub-command and dispatches. Its sub-commands are
 * the operations both faces of the simulator drive: the CLI parses argv into parameters, the API face
 * verifies an HTTP request's parameters against the same {@link #spec rules} and calls
 * {@link #execute} with them.
 */
public final class Qm {

    private final Engine engine;
    private final Map<String, CommandSpec> specs = new HashMap<>();
    private final QmDisks disks;
    private final QmPower power;
    private final QmQuery query;
    private final QmAgent agent;
    private final QmSnapshots snapshots;
    private final QmClone clones;
    private final QmStates states;

    Qm(Engine engine) {
        this.engine = engine;
        this.disks = new QmDisks(engine);
        this.power = new QmPower(engine);
        this.query = new QmQuery(engine);
        this.agent = new QmAgent(engine);
        this.snapshots = new QmSnapshots(engine);
        this.clones = new QmClone(engine);
        this.states = new QmStates(engine);
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
                "force-cpu", string(0), "migratedfrom", io.pveq.sim.internal.params.Formats.dnsName()));
        add("stop", List.of("vmid"), Map.of("vmid", vmid, "skiplock", bool(), "timeout", integer(0L, null),
                "keepActive", bool(), "overrule-shutdown", bool()));
        add("shutdown", List.of("vmid"), Map.of("vmid", vmid, "skiplock", bool(), "timeout", integer(0L, null),
                "keepActive", bool(), "forceStop", bool()));
        add("reboot", List.of("vmid"), Map.of("vmid", vmid, "timeout", integer(0L, null)));
        add("destroy", List.of("vmid"), Map.of("vmid", vmid, "purge", bool(), "skiplock", bool(),
                "destroy-unreferenced-disks", bool()));
        Rule node = io.pveq.sim.internal.params.Formats.dnsName();
        add("migrate", List.of("vmid", "target"), Map.of("vmid", vmid, "target", node, "online", bool(),
                "with-local-disks", bool(), "force", bool(), "bwlimit", integer(0L, null),
                "targetstorage", io.pveq.sim.internal.params.Formats.storagePairList(),
                "migration_type", oneOf("secure", "insecure"), "migration_network", string(0)));
        add("unlock", List.of("vmid"), Map.of("vmid", vmid));
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
        add("reset", List.of("vmid"), Map.of("vmid", vmid, "skiplock", bool()));
        add("suspend", List.of("vmid"), Map.of("vmid", vmid, "skiplock", bool()));
        add("resume", List.of("vmid"), Map.of("vmid", vmid, "skiplock", bool()));
        Rule snapname = configId();
        add("snapshot", List.of("vmid", "snapname"), Map.of("vmid", vmid, "snapname", snapname,
                "description", string(0), "vmstate", bool()));
        add("rollback", List.of("vmid", "snapname"), Map.of("vmid", vmid, "snapname", snapname, "start", bool()));
        add("delsnapshot", List.of("vmid", "snapname"), Map.of("vmid", vmid, "snapname", snapname, "force", bool()));
        add("listsnapshot", List.of("vmid"), Map.of("vmid", vmid));
        Map<String, Rule> clone = new HashMap<>(Map.of("vmid", vmid, "newid", vmid, "name",
                io.pveq.sim.internal.params.Formats.dnsName(), "description", string(0), "full", bool(),
                "target", io.pveq.sim.internal.params.Formats.dnsName(), "storage",
                Rule.pattern("[a-z][a-z0-9\\-_.]*[a-z0-9]"), "format", oneOf("raw", "qcow2", "vmdk"),
                "snapname", snapname));
        add("clone", List.of("vmid", "newid"), clone);
        add("template", List.of("vmid"), Map.of("vmid", vmid));
    }

    /** Proxmox's {@code pve-configid}: a letter, then letters, digits or underscores (snapshot names). */
    private static Rule configId() {
        return value -> value.matches("(?i)[a-z][a-z0-9_]+") ? (value.length() > 40
                ? java.util.Optional.of("value may only be 40 characters long")
                : java.util.Optional.empty())
                : java.util.Optional.of("invalid format - invalid configuration ID '" + value + "'");
    }

    private void add(String command, List<String> positionals, Map<String, Rule> rules) {
        List<String> words = new ArrayList<>();
        words.add("qm");
        words.addAll(List.of(command.split(" ")));
        specs.put(command, new CommandSpec(words, positionals, rules, Set.of()));
    }

    /**
     * The first half of an API create: checks against the state, then the cluster-wide VMID claim,
     * both within the request, as Proxmox does before forking its worker.
     *
     * @return what {@link #finishCreate} needs
     * @throws Failure with Proxmox's text ({@code unable to create VM ...}, {@code storage 'x' does not exist})
     */
    public Object prepareAndClaim(Exec exec, Map<String, String> params) {
        QmDisks.CreatePlan plan = disks.prepareCreate(exec, params);
        disks.claim(exec, plan);
        return plan;
    }

    /** The second half of an API create, in its task: disks, config, optional start. */
    public void finishCreate(Exec exec, Object plan) {
        disks.finishCreate(exec, (QmDisks.CreatePlan) plan);
    }

    /**
     * Undoes {@link #prepareAndClaim} when the create's task fails before {@link #finishCreate} could clean up
     * (an injected fault replaces the task's work): qemu-server removes the half-made VM whatever failed in
     * the worker, so no VM stays locked {@code create}.
     */
    public void abandonCreate(Object plan) {
        disks.abandonCreate((QmDisks.CreatePlan) plan);
    }

    /** @return the parameter rules of a sub-command ({@code create}, {@code set}, {@code start}, ...) */
    public CommandSpec spec(String command) {
        CommandSpec spec = specs.get(command);
        if (spec == null) {
            throw new IllegalArgumentException("no qm command '" + command + "'");
        }
        return spec;
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
        execute(exec, command, params);
    }

    /**
     * Runs a sub-command with verified parameters. A CLI run of a task command is recorded in the
     * task list here; an API task records itself.
     *
     * @throws Failure with Proxmox's error text
     */
    public void execute(Exec exec, String command, Map<String, String> params) {
        String taskType = exec.isTask() ? null : TASK_TYPES.get(command);
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
    static final Map<String, String> TASK_TYPES = Map.ofEntries(Map.entry("create", "qmcreate"),
            Map.entry("start", "qmstart"), Map.entry("stop", "qmstop"), Map.entry("shutdown", "qmshutdown"),
            Map.entry("reboot", "qmreboot"), Map.entry("destroy", "qmdestroy"), Map.entry("migrate", "qmigrate"),
            Map.entry("resize", "resize"), Map.entry("disk resize", "resize"), Map.entry("reset", "qmreset"),
            Map.entry("suspend", "qmsuspend"), Map.entry("resume", "qmresume"), Map.entry("snapshot", "qmsnapshot"),
            Map.entry("rollback", "qmrollback"), Map.entry("delsnapshot", "qmdelsnapshot"),
            Map.entry("clone", "qmclone"), Map.entry("template", "qmtemplate"));

    /** @return the UPID type of a task sub-command ({@code start} is {@code qmstart}), if it is one */
    public static java.util.Optional<String> taskType(String command) {
        return java.util.Optional.ofNullable(TASK_TYPES.get(command));
    }

    /** What the simulator does not do to the disks of real guests (their qcow2 files are not copied or snapshotted). */
    private static final java.util.Set<String> NOT_FOR_REAL_GUESTS = java.util.Set.of("snapshot", "rollback",
            "delsnapshot", "clone", "template");

    private void dispatch(Exec exec, String command, Map<String, String> params) {
        if (NOT_FOR_REAL_GUESTS.contains(command) && engine.qemu().isPresent()) {
            throw new Failure("pveq-sim: 'qm " + command + "' is not available while the cluster boots real guests"
                    + " (their disks are not copied or snapshotted)");
        }
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
            case "unlock" -> disks.unlock(exec, params);
            case "status" -> query.status(exec, params);
            case "config" -> query.config(exec, params);
            case "list" -> query.list(exec);
            case "cloudinit dump" -> query.cloudinitDump(exec, params);
            case "cloudinit pending" -> query.cloudinitPending(exec, params);
            case "guest cmd" -> agent.command(exec, params);
            case "reset" -> states.reset(exec, params);
            case "suspend" -> states.suspend(exec, params);
            case "resume" -> states.resume(exec, params);
            case "snapshot" -> snapshots.snapshot(exec, params);
            case "rollback" -> snapshots.rollback(exec, params);
            case "delsnapshot" -> snapshots.delete(exec, params);
            case "listsnapshot" -> snapshots.list(exec, params);
            case "clone" -> clones.clone(exec, params);
            case "template" -> clones.template(exec, params);
            default -> throw new IllegalStateException(command);
        }
    }
}
