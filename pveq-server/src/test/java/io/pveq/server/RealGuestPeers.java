package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pveq.core.testing.TestPeer;
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
 * ({@code $PVEQ_GUEST_IMAGES}, else {@code ~/.cache/pveq/guest-images}); {@code .ci/run} installs the
 * peers and builds the images. A test without them fails at once saying how to get them (never skips).
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

    /** @return the built images; fails the test saying what is missing and how to get it */
    static GuestImages images(String... versions) {
        assertTrue(TestPeer.QEMU.require().equals(RealGuests.DEFAULT_QEMU), "real guests run "
                + RealGuests.DEFAULT_QEMU);
        TestPeer.QEMU_IMG.require();
        TestPeer.GENISOIMAGE.require();
        TestPeer.BUSYBOX.require();
        assertTrue("root".equals(System.getProperty("user.name")),
                "real guests: forwarding a guest's SSH from a loopback address's port 22 needs root (.ci/run runs as root)");
        Path recipe = projectRoot().resolve("pveq-sim").resolve("guest-images");
        var found = GuestImages.locate(cacheRoot(), recipe);
        if (found.isEmpty()) {
            fail("real guests: no images built from this recipe in " + cacheRoot()
                    + "; run pveq-sim/guest-images/ensure-images.sh (as .ci/run does; about 2 minutes per release)");
        }
        for (String version : versions) {
            if (found.get().debian(version).isEmpty()) {
                fail("real guests: Debian " + version + " image not built in " + found.get().folder()
                        + "; run pveq-sim/guest-images/ensure-images.sh");
            }
        }
        return found.get();
    }

    /** Fails unless {@code address:22} can be bound (a guest's SSH is forwarded from there). */
    static void requirePort22Free(String address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 22));
        } catch (IOException e) {
            fail("real guests: cannot bind " + address + ":22 for the guest's SSH forward (" + e.getMessage()
                    + "); is a guest of an earlier run still up?");
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
