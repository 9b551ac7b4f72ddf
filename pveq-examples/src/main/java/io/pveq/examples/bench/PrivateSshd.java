package io.pveq.examples.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private OpenSSH sshd on a free 127.0.0.1 port with generated host and client keys, for
 * benchmarks. Sessions get {@code SetEnv SHLVL=1}, which makes bash skip {@code ~/.bashrc} (bash
 * sources it for sshd-started commands only at shell level 1), so a slow rc file is not measured.
 */
final class PrivateSshd implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final int port;

    private PrivateSshd(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    static PrivateSshd start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("pveq-bench-sshd-");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_ed25519").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client_ed25519").toString());
        Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
        if ("root".equals(System.getProperty("user.name"))) {
            Files.createDirectories(Path.of("/run/sshd"));
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = socket.getLocalPort();
            }
            Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_ed25519"),
                    "PidFile " + dir.resolve("sshd.pid"), "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                    "UsePAM no", "StrictModes no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password", "MaxStartups 100:30:200", "LogLevel ERROR",
                    "SetEnv SHLVL=1", ""));
            Process process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    String hostKey = Files.readString(dir.resolve("host_ed25519.pub")).split(" ")[1];
                    Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " ssh-ed25519 " + hostKey + "\n");
                    return new PrivateSshd(dir, process, port);
                } catch (IOException notYet) {
                    Thread.sleep(25);
                }
            }
            process.destroyForcibly().waitFor();
        }
        throw new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
    }

    static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    int port() {
        return port;
    }

    String user() {
        return System.getProperty("user.name");
    }

    Path clientKey() {
        return dir.resolve("client_ed25519");
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
