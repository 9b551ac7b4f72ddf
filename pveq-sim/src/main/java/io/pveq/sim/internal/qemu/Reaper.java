package io.pveq.sim.internal.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ends every process started for one cluster's real guests (QEMU and what its guest forwards spawned),
 * found by the {@code PVEQ_SIM_GUEST_OWNER} mark in their environment, and removes the work folder.
 * {@link #watch} also arranges this for when the owning JVM dies without closing the cluster (a crash,
 * {@code kill -9}): a detached shell waits for the JVM's pid to vanish, then does the same.
 */
public final class Reaper {

    private Reaper() {
    }

    /**
     * Kills (SIGKILL) every process marked with {@code owner}, then deletes {@code workFolder}.
     *
     * @return the pids killed
     */
    public static List<Long> reap(String owner, Path workFolder) {
        List<Long> killed = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid != ProcessHandle.current().pid()
                        && Processes.hasEnvironment(pid, QemuGuests.OWNER_VARIABLE, owner)) {
                    ProcessHandle.of(pid).ifPresent(p -> {
                        p.destroyForcibly();
                        killed.add(pid);
                    });
                }
            }
        } catch (IOException e) {
            // nothing listed, nothing killed
        }
        for (long pid : killed) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Processes.startTicks(pid).isPresent() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            QemuGuests.deleteTree(workFolder);
        } catch (IOException e) {
            // a later reap or the OS's temp cleaning removes the rest
        }
        return killed;
    }

    /**
     * Starts a detached watcher that reaps {@code owner}'s processes and deletes {@code workFolder} once
     * this JVM is gone. Destroy the returned process when the cluster was closed properly.
     *
     * @return the watcher, or null when it could not be started
     */
    public static Process watch(String owner, Path workFolder) {
        String script = "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done\n"
                + "for p in /proc/[0-9]*; do\n"
                + "  if tr '\\0' '\\n' < \"$p/environ\" 2>/dev/null | grep -qx \"$2=$3\"; then kill -9 \"${p#/proc/}\" 2>/dev/null; fi\n"
                + "done\n"
                + "sleep 1\n"
                + "rm -rf -- \"$4\"\n";
        ProcessBuilder builder = new ProcessBuilder("setsid", "sh", "-c", script, "pveq-sim-reaper",
                Long.toString(ProcessHandle.current().pid()), QemuGuests.OWNER_VARIABLE, owner, workFolder.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().remove(QemuGuests.OWNER_VARIABLE);
        try {
            return builder.start();
        } catch (IOException e) {
            return null;
        }
    }
}
