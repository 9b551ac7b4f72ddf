package io.pveq.sim.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.TransportException;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimFault;
import io.pveq.sim.internal.params.ParamException;
import io.pveq.sim.internal.qemu.QemuGuests;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.StateStore;
import io.pveq.sim.internal.state.VmState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs simulated {@code qm}, {@code pvesh} and {@code pvesm} commands against the cluster state.
 * Thread-safe: state changes go through the {@link StateStore}; long operations wait outside it.
 */
public final class Engine {

    /** How long Proxmox waits for a VM's lock file before giving up. */
    public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicLong OWNERS = new AtomicLong();

    private final StateStore store;
    private final SimTime time;
    private final PveRelease release;
    private final FaultHook faults;
    private final Random random;
    private final Duration bootDelay;
    private final Duration refreshInterval;
    /** Prefix of this process's lock owners: its pid first, so another process can tell a dead holder. */
    private final String processId = ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    private final Qm qm;
    private final Pvesh pvesh;
    private final Pvesm pvesm;
    private volatile QemuGuests qemu;

    public Engine(StateStore store, SimTime time, PveRelease release, FaultHook faults, long seed,
                  Duration bootDelay, Duration refreshInterval) {
        this.store = store;
        this.time = time;
        this.release = release;
        this.faults = faults;
        this.random = new Random(seed);
        this.bootDelay = bootDelay;
        this.refreshInterval = refreshInterval;
        this.qm = new Qm(this);
        this.pvesh = new Pvesh(this);
        this.pvesm = new Pvesm(this);
    }

    public StateStore store() {
        return store;
    }

    public SimTime time() {
        return time;
    }

    public PveRelease release() {
        return release;
    }

    public FaultHook faults() {
        return faults;
    }

    /**
     * @return the runtime of real guests when this cluster boots VMs under QEMU (configured in the
     *         state, so every process sharing it agrees), else empty: guests are simulated
     */
    public Optional<QemuGuests> qemu() {
        io.pveq.sim.internal.state.RealGuestsState config = store.read(state -> state.realGuests);
        if (config == null) {
            return Optional.empty();
        }
        QemuGuests current = qemu;
        if (current == null || !current.config().owner.equals(config.owner)) {
            current = new QemuGuests(config);
            qemu = current;
        }
        return Optional.of(current);
    }

    /**
     * Makes the state follow the real processes: a real guest whose QEMU ended (the guest powered
     * off, or the process was killed) is stopped.
     */
    public void followRealGuests() {
        boolean stale = store.read(state -> state.realGuests != null && state.vms.values().stream()
                .anyMatch(vm -> vm.qemu != null && !QemuGuests.alive(vm.qemu)));
        if (!stale) {
            return;
        }
        store.write(state -> {
            for (VmState vm : state.vms.values()) {
                if (vm.qemu != null && !QemuGuests.alive(vm.qemu)) {
                    qemu().ifPresent(q -> q.cleanRun(vm.vmid));
                    QmStates.markStopped(vm);
                }
            }
            return null;
        });
    }

    /** @return the {@code qm} operations, shared by the CLI and the API face */
    public Qm qm() {
        return qm;
    }

    /** @return the API data (the JSON answers of {@code pvesh get} and the REST API) */
    public PveshData data() {
        return pvesh.data();
    }

    /** @return the scaled boot delay: a started guest answers SSH this long after (re)boot */
    public Duration bootDelay() {
        return time.scaled(bootDelay);
    }

    /** @return how often /cluster/resources is refreshed (scaled) */
    public Duration refreshInterval() {
        return time.scaled(refreshInterval);
    }

    /**
     * Runs one command on {@code node}.
     *
     * @throws TransportException when the node is down or an injected connection drop fires
     */
    public CommandResult run(String node, CommandRequest request) {
        long start = System.nanoTime();
        boolean online = store.read(state -> state.node(node).map(n -> n.online).orElse(false));
        if (!online) {
            throw new TransportException("ssh: connect to host " + node + " port 22: No route to host");
        }
        followRealGuests();
        Exec exec = new Exec(this, node, request);
        Optional<SimFault> fault = faults.match(node, request.argv());
        int exit;
        if (fault.isPresent() && fault.get() instanceof SimFault.ConnectionDrop drop && !drop.afterEffect()) {
            throw new TransportException("connection to " + node + " dropped while running: " + request.displayLine());
        }
        exit = execute(exec, fault);
        if (fault.isPresent() && fault.get() instanceof SimFault.ConnectionDrop) {
            throw new TransportException("connection to " + node + " dropped while running: " + request.displayLine());
        }
        return new CommandResult(request.displayArgv(), exit, exec.stdoutText(), exec.stderrText(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private int execute(Exec exec, Optional<SimFault> fault) {
        try {
            if (fault.isPresent()) {
                SimFault f = fault.get();
                if (f instanceof SimFault.Delay delay) {
                    exec.pause(delay.nominal());
                } else if (f instanceof SimFault.Fail fail) {
                    return failWith(exec, new Failure(fail.stderr(), fail.exitCode()));
                } else if (f instanceof SimFault.LockTimeout) {
                    exec.errPart("trying to acquire lock...");
                    exec.pause(LOCK_TIMEOUT);
                    return failWith(exec, new Failure("\ncan't lock file '/var/lock/qemu-server/lock-"
                            + firstNumber(exec.argv()) + ".conf' - got timeout"));
                }
            }
            List<String> argv = exec.argv();
            String program = argv.get(0);
            String base = program.substring(program.lastIndexOf('/') + 1);
            List<String> args = argv.subList(1, argv.size());
            switch (base) {
                case "qm" -> qm.run(exec, args);
                case "pvesh" -> pvesh.run(exec, args);
                case "pvesm" -> pvesm.run(exec, args);
                default -> {
                    exec.err("bash: line 1: " + program + ": command not found");
                    return 127;
                }
            }
            return 0;
        } catch (ParamException e) {
            exec.errPart(e.stderr());
            return 255;
        } catch (Failure e) {
            return failWith(exec, e);
        }
    }

    private static int failWith(Exec exec, Failure failure) {
        String text = failure.getMessage();
        exec.errPart(text.endsWith("\n") ? text : text + "\n");
        return failure.exitCode();
    }

    private static String firstNumber(List<String> argv) {
        for (String arg : argv) {
            if (arg.matches("\\d{3,9}")) {
                return arg;
            }
        }
        return "0";
    }

    // ---- helpers shared by the command classes ----

    /** @return the VM on this node, or Proxmox's "does not exist" failure */
    public static VmState localVm(ClusterState state, String node, int vmid) {
        VmState vm = state.vms.get(vmid);
        if (vm == null || !vm.node.equals(node) || !"qemu".equals(vm.type)) {
            throw new Failure("Configuration file 'nodes/" + node + "/qemu-server/" + vmid + ".conf' does not exist");
        }
        return vm;
    }

    public static NodeState node(ClusterState state, String name) {
        return state.node(name).orElseThrow(() -> new Failure("no such cluster node '" + name + "'"));
    }

    public static void requireQuorum(ClusterState state) {
        if (!state.quorate()) {
            throw new Failure("cluster not ready - no quorum?");
        }
    }

    /**
     * Takes the VM's lock file, waiting like Proxmox (printing {@code trying to acquire lock...}).
     * Lock waits run in real time (at least a few seconds) so contention resolves even at high speed.
     *
     * @return the owner token for {@link #unlockVm}
     */
    String lockVm(Exec exec, int vmid) {
        String owner = newLockOwner();
        long waitNanos = Math.max(time.scaled(LOCK_TIMEOUT).toNanos(), Duration.ofSeconds(5).toNanos());
        long deadline = System.nanoTime() + waitNanos;
        boolean announced = false;
        while (true) {
            long now = System.currentTimeMillis();
            boolean taken = store.write(state -> {
                VmState vm = state.vms.get(vmid);
                if (vm == null) {
                    return true;
                }
                if (lockFileFree(vm, now)) {
                    vm.fileLockOwner = owner;
                    vm.fileLockUntilMillis = now + Duration.ofMinutes(30).toMillis();
                    return true;
                }
                return false;
            });
            if (taken) {
                if (announced) {
                    exec.errPart(" OK\n");
                }
                return owner;
            }
            if (!announced) {
                exec.errPart("trying to acquire lock...");
                announced = true;
            }
            if (System.nanoTime() > deadline) {
                throw new Failure("\ncan't lock file '/var/lock/qemu-server/lock-" + vmid + ".conf' - got timeout");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("interrupted while waiting for a VM lock", e);
            }
        }
    }

    /** @return a new owner token for a VM's lock file, naming this process */
    String newLockOwner() {
        return processId + "-" + OWNERS.incrementAndGet();
    }

    /**
     * A lock file is free when nobody holds it, its hold expired, or its holder's process is gone: Proxmox's
     * lock files are flock()s, which the kernel drops when the holding process dies (a {@code kill -9} of a
     * pveq server running this simulator in-process must not leave its VMs locked for the next one).
     */
    static boolean lockFileFree(VmState vm, long nowMillis) {
        if (vm.fileLockOwner.isEmpty() || vm.fileLockUntilMillis < nowMillis) {
            return true;
        }
        int colon = vm.fileLockOwner.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            long pid = Long.parseLong(vm.fileLockOwner.substring(0, colon));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    void unlockVm(int vmid, String owner) {
        store.write(state -> {
            VmState vm = state.vms.get(vmid);
            if (vm != null && vm.fileLockOwner.equals(owner)) {
                vm.fileLockOwner = "";
                vm.fileLockUntilMillis = 0;
            }
            return null;
        });
    }

    /** Fails when the config carries a lock ({@code VM is locked (backup)}) unless skipped. */
    public static void checkConfigLock(VmState vm, boolean skiplock) {
        String lock = vm.config.get("lock");
        if (lock != null && !skiplock) {
            throw new Failure("VM is locked (" + lock + ")");
        }
    }

    /** Appends a finished CLI task to the cluster's task log. */
    void recordTask(String node, String type, String id, long startedMillis, String status) {
        ClusterState.TaskRecord task = newTask(node, type, id, "root@pam", startedMillis);
        finishTask(task, status);
    }

    /**
     * Starts a task record: a fresh pid and the UPID
     * {@code UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:} (not yet in the task list).
     */
    public ClusterState.TaskRecord newTask(String node, String type, String id, String user, long startedMillis) {
        long sequence = store.write(ClusterState::nextSequence);
        ClusterState.TaskRecord task = new ClusterState.TaskRecord();
        task.node = node;
        task.type = type;
        task.id = id == null ? "" : id;
        task.user = user;
        task.pid = sequence % 4_000_000 + 1000;
        task.pstart = task.pid * 7 % 100_000_000;
        task.starttime = startedMillis / 1000;
        task.upid = String.format(Locale.ROOT, "UPID:%s:%08X:%08X:%08X:%s:%s:%s:", node, task.pid, task.pstart,
                task.starttime, type, task.id, task.user);
        return task;
    }

    /** Ends a task: its exit status (the last line of {@code status}) and end time, added to the task list. */
    public void finishTask(ClusterState.TaskRecord task, String status) {
        long now = time.nowMillis();
        String text = status.strip();
        int newline = text.lastIndexOf('\n');
        task.status = newline >= 0 ? text.substring(newline + 1) : text;
        task.endtime = now / 1000;
        store.write(state -> {
            state.tasks.add(task);
            if (state.tasks.size() > ClusterState.MAX_TASKS) {
                state.tasks.subList(0, state.tasks.size() - ClusterState.MAX_TASKS).clear();
            }
            return null;
        });
    }

    synchronized String mac() {
        return String.format(Locale.ROOT, "BC:24:11:%02X:%02X:%02X", random.nextInt(256), random.nextInt(256),
                random.nextInt(256));
    }

    synchronized String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    /** Size and virtual size of an import source: a file placed on the node, or a real file here. */
    Optional<long[]> sourceSize(String node, String path) {
        Optional<long[]> placed = store.read(state -> state.node(node)
                .map(n -> n.files.get(path))
                .map(f -> new long[] {f.sizeBytes, f.virtualSizeBytes}));
        if (placed.isPresent()) {
            return placed;
        }
        Path file = Path.of(path);
        if (!path.startsWith("/") || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            long size = Files.size(file);
            return Optional.of(new long[] {size, virtualSize(file, size)});
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @return the file on this machine holding what {@code path} on {@code node} holds (an upload's copy, else itself) */
    public String realFile(String node, String path) {
        return store.read(state -> state.node(node).map(n -> n.files.get(path)).map(f -> f.file)).orElse(path);
    }

    /** @return the virtual size from a qcow2 header, else the file size */
    public static long virtualSize(Path file, long fileSize) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] header = in.readNBytes(32);
            if (header.length == 32 && header[0] == 'Q' && header[1] == 'F' && header[2] == 'I'
                    && (header[3] & 0xff) == 0xfb) {
                return ByteBuffer.wrap(header, 24, 8).getLong();
            }
        } catch (IOException e) {
            // unreadable: fall back to the file size
        }
        return fileSize;
    }
}
