package io.pveq.sim.internal.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Facts about processes from /proc. */
final class Processes {

    private Processes() {
    }

    /**
     * @return the start time of {@code pid} in clock ticks since boot, if it runs: while any of its
     *     threads runs. A process whose main thread has ended shows as a zombie while its other threads
     *     still finish (QEMU's I/O threads flushing a disk at exit take seconds on a busy machine); it
     *     still holds its sockets and files until the last one ends.
     */
    static Optional<Long> startTicks(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String[] fields = fields(Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8));
            if (ended(fields) && !anyThreadRuns(proc)) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(fields[19]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @return the fields of a {@code stat} line after the command name (state first) */
    private static String[] fields(String stat) {
        // the command name (field 2) is in parentheses and may hold spaces
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static boolean ended(String[] fields) {
        return fields[0].equals("Z") || fields[0].equals("X");
    }

    private static boolean anyThreadRuns(Path proc) {
        try (var tasks = Files.list(proc.resolve("task"))) {
            return tasks.anyMatch(task -> {
                try {
                    return !ended(fields(Files.readString(task.resolve("stat"), StandardCharsets.UTF_8)));
                } catch (IOException | RuntimeException e) {
                    return false; // gone meanwhile
                }
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** @return whether {@code pid}'s environment holds {@code variable=value} */
    static boolean hasEnvironment(long pid, String variable, String value) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            String wanted = variable + "=" + value;
            for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
                if (entry.equals(wanted)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
