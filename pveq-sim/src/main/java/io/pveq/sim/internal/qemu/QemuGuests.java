package io.pveq.sim.internal.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveq.sim.internal.CloudInit;
import io.pveq.sim.internal.Drives;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.state.RealGuestsState;
import io.pveq.sim.internal.state.VmState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real guests: VMs of the simulated cluster run as QEMU processes. Volumes are qcow2 files below the
 * work folder (an imported disk is a copy-on-write overlay on a hard link of the import source), the
 * cloud-init drive is a NoCloud ISO written at each start, and a started QEMU daemonizes, so it
 * outlives the command that started it as on a node; its pid and sockets are kept in the VM's state.
 * Every process started here carries {@code PVEQ_SIM_GUEST_OWNER=<owner>} in its environment, which
 * {@link Reaper} uses to end them all. Thread-safe.
 */
public final class QemuGuests {

    /** The environment variable marking processes started for one cluster. */
    public static final String OWNER_VARIABLE = "PVEQ_SIM_GUEST_OWNER";
    private static final Duration QEMU_START = Duration.ofSeconds(60);
    private static final Duration QMP = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RealGuestsState config;
    private final Path work;
    private final Map<String, Object> agentLocks = new java.util.concurrent.ConcurrentHashMap<>();

    public QemuGuests(RealGuestsState config) {
        this.config = config;
        this.work = Path.of(config.workFolder);
    }

    public RealGuestsState config() {
        return config;
    }

    private Path run() {
        return work.resolve("run");
    }

    /** @return the file of a new volume {@code volname} on {@code storage} of {@code node} */
    private Path volumeFile(String node, String storage, String volname) {
        String name = volname.replace('/', '_');
        if (!name.endsWith(".qcow2")) {
            name = name.replaceFirst("\\.(raw|vmdk)$", "") + ".qcow2";
        }
        return work.resolve("volumes").resolve(node).resolve(storage).resolve(name);
    }

    /**
     * Makes the file of an imported volume: a hard link (or copy) of the source as its base, and a
     * copy-on-write overlay of {@code sizeBytes} over it.
     *
     * @return the overlay's path
     */
    public String importVolume(String node, String storage, String volname, String source, long sizeBytes) {
        Path overlay = volumeFile(node, storage, volname);
        Path base = overlay.resolveSibling(overlay.getFileName() + ".base");
        try {
            Files.createDirectories(overlay.getParent());
            Files.deleteIfExists(base);
            try {
                Files.createLink(base, Path.of(source));
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(Path.of(source), base);
            }
            qemuImg("create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", format(base), overlay.toString(),
                    Long.toString(sizeBytes));
            return overlay.toString();
        } catch (IOException e) {
            throw new Failure("cannot import '" + source + "': " + e.getMessage());
        }
    }

    /**
     * Keeps the bytes of a file uploaded to a node (by hard link where possible), so that an import
     * from it boots what was uploaded.
     *
     * @return where they are kept
     */
    public String keepUpload(String node, String sha256, Path localFile) {
        Path kept = work.resolve("uploads").resolve(node).resolve(sha256);
        try {
            Files.createDirectories(kept.getParent());
            if (!Files.exists(kept)) {
                try {
                    Files.createLink(kept, localFile);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(localFile, kept);
                }
            }
            return kept.toString();
        } catch (IOException e) {
            throw new io.pveq.core.transport.TransportException("cannot keep the upload of " + localFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** Makes an empty qcow2 volume of {@code sizeBytes}; returns its path. */
    public String allocateVolume(String node, String storage, String volname, long sizeBytes) {
        Path file = volumeFile(node, storage, volname);
        try {
            Files.createDirectories(file.getParent());
            qemuImg("create", "-q", "-f", "qcow2", file.toString(), Long.toString(Math.max(sizeBytes, 512)));
            return file.toString();
        } catch (IOException e) {
            throw new Failure("cannot allocate " + volname + ": " + e.getMessage());
        }
    }

    /**
     * Grows a volume to {@code sizeBytes}: the file while the VM is stopped, through QEMU
     * ({@code block_resize}) while it runs, as qemu-server does.
     */
    public void resize(String file, String disk, VmState.QemuProcess running, long sizeBytes) {
        if (alive(running)) {
            ObjectNode arguments = JSON.createObjectNode().put("device", "drive-" + disk).put("size", sizeBytes);
            try {
                QemuSocket.qmp(QemuCommandLine.qmp(Path.of(running.run), running.vmid), "block_resize", arguments, QMP);
            } catch (IOException e) {
                throw new Failure("VM " + running.vmid + " qmp command 'block_resize' failed - " + e.getMessage());
            }
            return;
        }
        qemuImg("resize", "-q", file, Long.toString(sizeBytes));
    }

    /** Deletes volume files and the bases beside them; missing files are fine. */
    public void deleteVolumes(List<String> files) {
        for (String file : files) {
            try {
                Files.deleteIfExists(Path.of(file));
                Files.deleteIfExists(Path.of(file + ".base"));
            } catch (IOException e) {
                throw new Failure("cannot remove " + file + ": " + e.getMessage());
            }
        }
    }

    /**
     * Starts the guest: writes the cloud-init seed, runs QEMU (which daemonizes once its devices are
     * up) and reads its pid.
     *
     * @param volumes     volume id to file, for the VM's disks
     * @param dns         the node's resolvers, for the cloud-init network config
     * @throws Failure {@code start failed: QEMU exited with code N}, after QEMU's own error lines
     */
    public VmState.QemuProcess start(VmState vm, Map<String, String> volumes, List<String> dns) {
        int vmid = vm.vmid;
        Path run = run();
        Map<String, QemuCommandLine.Drive> drives = new LinkedHashMap<>();
        try {
            Files.createDirectories(run);
            for (Path stale : List.of(QemuCommandLine.qmp(run, vmid), QemuCommandLine.qga(run, vmid),
                    QemuCommandLine.serial(run, vmid), QemuCommandLine.pidFile(run, vmid))) {
                Files.deleteIfExists(stale);
            }
            Files.writeString(QemuCommandLine.serialLog(run, vmid), "");
            for (Map.Entry<String, String> entry : vm.config.entrySet()) {
                if (!Drives.DISK_KEY.matcher(entry.getKey()).matches()) {
                    continue;
                }
                String file = Drives.parse(entry.getValue()).getOrDefault("file", "");
                if (Drives.cloudinit(entry.getValue())) {
                    drives.put(entry.getKey(), new QemuCommandLine.Drive(seed(vm, dns), "raw"));
                } else if (volumes.containsKey(file)) {
                    drives.put(entry.getKey(), new QemuCommandLine.Drive(Path.of(volumes.get(file)), "qcow2"));
                }
            }
        } catch (IOException e) {
            throw new Failure("start failed: " + e.getMessage());
        }
        List<String> argv = QemuCommandLine.build(vmid, vm.config, new QemuCommandLine.Files(Path.of(config.qemu), run,
                drives, repository()));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put(OWNER_VARIABLE, config.owner);
        Path output = run.resolve(vmid + ".start.log");
        builder.redirectOutput(output.toFile());
        try {
            Process process = builder.start();
            if (!process.waitFor(QEMU_START.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new Failure("start failed: QEMU did not start within " + QEMU_START.toSeconds() + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new Failure((text.isEmpty() ? "" : text + "\n") + "start failed: QEMU exited with code "
                        + process.exitValue());
            }
            long pid = Long.parseLong(Files.readString(QemuCommandLine.pidFile(run, vmid)).strip());
            VmState.QemuProcess started = new VmState.QemuProcess();
            started.vmid = vmid;
            started.pid = pid;
            started.startTicks = Processes.startTicks(pid).orElse(0L);
            started.run = run.toString();
            return started;
        } catch (IOException e) {
            throw new Failure("start failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("start failed: interrupted");
        }
    }

    /** @return the per-connection command serving the package repository, when one is configured */
    private Optional<String> repository() {
        if (config.repository == null) {
            return Optional.empty();
        }
        Path busybox = Stream.of("/usr/bin/busybox", "/bin/busybox").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        return busybox == null ? Optional.empty()
                : Optional.of(busybox + " httpd -i -h " + config.repository);
    }

    /** Writes the NoCloud seed ISO for {@code vm}; returns its path. */
    public Path seed(VmState vm, List<String> dns) throws IOException {
        Path folder = work.resolve("cloudinit").resolve(Integer.toString(vm.vmid));
        Path files = folder.resolve("files");
        deleteTree(folder);
        Files.createDirectories(files);
        Map<String, String> seen = new TreeMap<>(vm.config);
        // the guest holds a loopback address as its 10.0.0.0/8 twin (GuestLan)
        for (Map.Entry<String, String> entry : vm.config.entrySet()) {
            if (entry.getKey().startsWith("ipconfig")) {
                Map<String, String> parts = Drives.parse(entry.getValue());
                parts.computeIfPresent("ip", (k, v) -> GuestLan.translate(v));
                parts.computeIfPresent("gw", (k, v) -> GuestLan.translate(v));
                StringBuilder text = new StringBuilder();
                parts.forEach((k, v) -> text.append(text.length() == 0 ? "" : ",").append(k).append('=').append(v));
                seen.put(entry.getKey(), text.toString());
            }
        }
        CloudInit.Files data = CloudInit.files(vm.vmid, seen, vm.secrets.get("cipassword"), dns);
        Files.writeString(files.resolve("user-data"), data.userData());
        Files.writeString(files.resolve("network-config"), data.networkConfig());
        Files.writeString(files.resolve("meta-data"), data.metaData());
        Files.writeString(files.resolve("vendor-data"), "");
        Path iso = folder.resolve("vm-" + vm.vmid + "-cloudinit.iso");
        run("genisoimage", "-quiet", "-iso-level", "3", "-R", "-V", "cidata", "-o", iso.toString(), files.toString());
        return iso;
    }

    /** @return whether the recorded QEMU process still runs (same pid and start time) */
    public static boolean alive(VmState.QemuProcess process) {
        return process != null && Processes.startTicks(process.pid).map(t -> t == process.startTicks).orElse(false);
    }

    /**
     * Runs a QMP command that changes a running guest at once ({@code system_reset}, {@code stop},
     * {@code cont}).
     *
     * @throws Failure {@code VM N qmp command 'x' failed - ...} as qemu-server words it
     */
    public void monitor(VmState.QemuProcess process, String command) {
        try {
            QemuSocket.qmp(QemuCommandLine.qmp(Path.of(process.run), process.vmid), command, null, QMP);
        } catch (IOException e) {
            throw new Failure("VM " + process.vmid + " qmp command '" + command + "' failed - " + e.getMessage());
        }
    }

    /** QMP {@code quit}; waits for the process to end, killing it when it does not. */
    public void stop(VmState.QemuProcess process) {
        if (!alive(process)) {
            return;
        }
        try {
            QemuSocket.qmp(QemuCommandLine.qmp(Path.of(process.run), process.vmid), "quit", null, QMP);
        } catch (IOException e) {
            // a QEMU that does not answer is killed below
        }
        if (!awaitExit(process, Duration.ofSeconds(config.stopTimeoutSeconds))) {
            ProcessHandle.of(process.pid).ifPresent(ProcessHandle::destroyForcibly);
            awaitExit(process, Duration.ofSeconds(10));
        }
    }

    /**
     * ACPI power button (QMP {@code system_powerdown}); waits up to {@code timeout} for the guest to
     * power off, which ends its QEMU.
     *
     * @return true when it ended in time
     */
    public boolean powerdown(VmState.QemuProcess process, Duration timeout) {
        if (!alive(process)) {
            return true;
        }
        try {
            QemuSocket.qmp(QemuCommandLine.qmp(Path.of(process.run), process.vmid), "system_powerdown", null, QMP);
        } catch (IOException e) {
            return !alive(process);
        }
        return awaitExit(process, timeout);
    }

    /**
     * Runs a guest agent command ({@code guest-ping}, {@code guest-network-get-interfaces}, ...). The
     * agent's socket takes one client at a time: exchanges with one guest are serialised here.
     *
     * @param arguments the command's arguments, or null
     * @return the agent's answer
     * @throws IOException when the agent does not answer in time (it is not running) or answers an error
     */
    public JsonNode agent(VmState.QemuProcess process, String command, JsonNode arguments, Duration timeout)
            throws IOException {
        Path socket = QemuCommandLine.qga(Path.of(process.run), process.vmid);
        synchronized (agentLocks.computeIfAbsent(socket.toString(), k -> new Object())) {
            return QemuSocket.agent(socket, command, arguments, timeout);
        }
    }

    /** @return the last {@code lines} lines the guest printed on its serial console */
    public Optional<String> serialTail(int vmid, int lines) {
        Path log = QemuCommandLine.serialLog(run(), vmid);
        try {
            if (!Files.exists(log)) {
                return Optional.empty();
            }
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).replace("\r", "");
            List<String> all = new ArrayList<>();
            for (String line : text.split("\n")) {
                String clean = line.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replaceAll("\\p{Cntrl}", "").strip();
                if (!clean.isEmpty()) {
                    all.add(clean);
                }
            }
            return all.isEmpty() ? Optional.empty()
                    : Optional.of(String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Removes what a stopped VM's run left (sockets, seed); keeps the console log for errors. */
    public void cleanRun(int vmid) {
        try {
            for (Path stale : List.of(QemuCommandLine.qmp(run(), vmid), QemuCommandLine.qga(run(), vmid),
                    QemuCommandLine.serial(run(), vmid), QemuCommandLine.pidFile(run(), vmid))) {
                Files.deleteIfExists(stale);
            }
        } catch (IOException e) {
            // stale sockets are replaced at the next start
        }
    }

    /** Removes everything a destroyed VM had below the work folder but its volumes. */
    public void forget(int vmid) {
        cleanRun(vmid);
        try {
            Files.deleteIfExists(QemuCommandLine.serialLog(run(), vmid));
            Files.deleteIfExists(run().resolve(vmid + ".start.log"));
            deleteTree(work.resolve("cloudinit").resolve(Integer.toString(vmid)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean awaitExit(VmState.QemuProcess process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive(process)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !alive(process);
            }
        }
        return true;
    }

    private static String format(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'Q' && magic[1] == 'F' && magic[2] == 'I' && (magic[3] & 0xff) == 0xfb
                    ? "qcow2" : "raw";
        }
    }

    private void qemuImg(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(config.qemu).resolveSibling("qemu-img").toString());
        if (!Files.isExecutable(Path.of(argv.get(0)))) {
            argv.set(0, "qemu-img");
        }
        argv.addAll(List.of(args));
        run(argv.toArray(String[]::new));
    }

    private static void run(String... argv) {
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                throw new Failure(argv[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new Failure("cannot run " + argv[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while running " + argv[0]);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
