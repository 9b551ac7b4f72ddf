package io.pveq.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pveq.sim.GuestImages;
import io.pveq.sim.RealGuests;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the real-guest tests need from this machine: QEMU, root (port 22 on loopback addresses), and
 * the Debian images built by {@code pveq-sim/guest-images/ensure-images.sh} in the image cache
 * ({@code $PVEQ_GUEST_IMAGES}, else {@code ~/.cache/pveq/guest-images}); {@code .ci/run} builds them.
 * A test without them is skipped with a message that says how to get them.
 */
final class RealGuestPeers {

    private RealGuestPeers() {
    }

    static Path projectRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("pveq-sim")) ? here : here.getParent();
    }

    static Path cacheRoot() {
        String configured = System.getenv("PVEQ_GUEST_IMAGES");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "pveq", "guest-images");
    }

    /** @return the built images, or skips the test saying what is missing */
    static GuestImages images(String... versions) {
        assumeTrue(Files.isExecutable(RealGuests.DEFAULT_QEMU),
                "real guests: QEMU missing (apt-get install qemu-system-x86; .ci/run installs it)");
        assumeTrue("root".equals(System.getProperty("user.name")),
                "real guests: forwarding a guest's SSH from a loopback address's port 22 needs root");
        Path recipe = projectRoot().resolve("pveq-sim").resolve("guest-images");
        var found = GuestImages.locate(cacheRoot(), recipe);
        assumeTrue(found.isPresent(), "real guests: no images built from this recipe in " + cacheRoot()
                + "; run pveq-sim/guest-images/ensure-images.sh (as .ci/run does)");
        for (String version : versions) {
            assumeTrue(found.get().debian(version).isPresent(), "real guests: Debian " + version
                    + " image not built; run pveq-sim/guest-images/ensure-images.sh");
        }
        return found.get();
    }

    /** Skips unless {@code address:22} can be bound (something else may hold port 22 on every address). */
    static void assumePort22Free(String address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 22));
        } catch (IOException e) {
            assumeTrue(false, "real guests: cannot bind " + address + ":22 (" + e.getMessage() + ")");
        }
    }

    /** @return whether something accepts TCP connections at {@code host:port} */
    static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return pids of running QEMU processes (any owner) whose command line mentions {@code needle} */
    static List<Long> qemuProcesses(String needle) {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                try {
                    String cmdline = Files.readString(proc.resolve("cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (cmdline.contains("qemu-system") && cmdline.contains(needle)) {
                        found.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // not a process, or gone
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return found;
    }

    /** Runs a program here; returns its standard output, failing on a non-zero exit. */
    static String run(Map<String, String> env, String... argv) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed:\n" + out);
        }
        return out;
    }

    /** @return every file below {@code folder} (none when it is gone) */
    static List<Path> files(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
