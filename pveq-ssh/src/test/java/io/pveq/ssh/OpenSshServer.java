package io.pveq.ssh;

import io.pveq.core.testing.TestPeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenSSH {@code sshd} for tests, run privately on a free loopback port with its own
 * generated host keys (ed25519 and ECDSA), client keys (ed25519, ECDSA, passphrase-protected RSA),
 * authorized_keys and known_hosts files (plain and hashed). Register it with
 * {@code @RegisterExtension static OpenSshServer SSHD = new OpenSshServer();}. Without {@code sshd} or
 * {@code ssh-keygen} the tests fail at once, naming the package to install ({@link TestPeer}).
 *
 * <p>The session environment is fixed with {@code SetEnv}: {@code SHLVL=1} makes bash skip
 * {@code ~/.bashrc} (bash sources it for sshd commands only at shell level 1; inherited 1 becomes 2), so
 * a slow rc file (root's pyenv here) does not distort tests, and {@code PATH} starts with
 * {@link #binDir()} where tests put fake commands.
 */
public final class OpenSshServer implements BeforeAllCallback, AfterAllCallback {

    /** Passphrase of {@link #clientRsaEncrypted()}. */
    public static final String RSA_PASSPHRASE = "correct horse ba'ttery $(id)";

    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean passwords;
    private Path sshd;
    private Path dir;
    private Process process;
    private int port;

    /** @return this, with an extra variable for every session (no spaces or quotes in the value) */
    public OpenSshServer env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** @return this, accepting password logins too (checked against the shadow file: UsePAM stays off) */
    public OpenSshServer allowPasswords() {
        passwords = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    /** Generates keys and starts sshd; blocks until it accepts connections. */
    public void start() throws IOException, InterruptedException {
        sshd = TestPeer.SSHD.require();
        TestPeer.SSH_KEYGEN.require();
        dir = Files.createTempDirectory("pveq-sshd-");
        Files.createDirectories(binDir());
        keygen("ed25519", hostKeyEd25519(), "");
        keygen("ecdsa", hostKeyEcdsa(), "");
        keygen("ed25519", clientEd25519(), "");
        keygen("ecdsa", clientEcdsa(), "");
        keygen("rsa", clientRsaEncrypted(), RSA_PASSPHRASE);
        keygen("ed25519", strangerKey(), "");
        Files.writeString(dir.resolve("authorized_keys"), pub(clientEd25519()) + pub(clientEcdsa())
                + pub(clientRsaEncrypted()));
        if (isRoot()) {
            Files.createDirectories(Path.of("/run/sshd"));
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            port = freePort();
            writeConfig();
            process = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            if (awaitListening()) {
                writeKnownHosts();
                return;
            }
            process.destroyForcibly().waitFor();
            last = new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
        }
        throw last;
    }

    /** Stops sshd and its sessions and deletes the keys. */
    public void stop() throws IOException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Kills every per-connection sshd process: all open SSH connections drop, as when a node reboots or
     * a NAT forgets the flow. The listening sshd stays.
     *
     * @return how many sessions were killed
     */
    public int killConnections() throws InterruptedException {
        List<ProcessHandle> children = new ArrayList<>(process.children().toList());
        children.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle child : children) {
            child.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> child).join();
        }
        return children.size();
    }

    /** Lets other local users reach the authorized_keys file (sshd reads it as the user logging in). */
    public void allowOtherUsers() throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Adds a public key line to the authorized keys (takes effect for the next login). */
    public void authorize(String publicKeyLine) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), publicKeyLine.strip() + "\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    /**
     * Stops sshd, generates new host keys and starts it again on the same port: what a client sees when
     * a machine is re-installed at the same address. known_hosts files are rewritten for the new keys.
     */
    public void restartWithNewHostKeys() throws IOException, InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        for (Path key : List.of(hostKeyEd25519(), hostKeyEcdsa())) {
            Files.delete(key);
            Files.delete(Path.of(key + ".pub"));
        }
        keygen("ed25519", hostKeyEd25519(), "");
        keygen("ecdsa", hostKeyEcdsa(), "");
        for (int attempt = 0; attempt < 50; attempt++) {
            process = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            if (awaitListening()) {
                Files.deleteIfExists(knownHostsHashed());
                writeKnownHosts();
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("sshd did not restart on port " + port);
    }

    private void writeConfig() throws IOException {
        StringBuilder env = new StringBuilder("SHLVL=1 PATH=" + binDir() + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.forEach((name, value) -> env.append(' ').append(name).append('=').append(value));
        String config = String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKeyEd25519(),
                "HostKey " + hostKeyEcdsa(),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "UsePAM no",
                "StrictModes no",
                "PasswordAuthentication " + (passwords ? "yes" : "no"),
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "MaxSessions 10",
                "MaxStartups 100:30:200",
                "LogLevel ERROR",
                "Subsystem sftp internal-sftp",
                "SetEnv " + env,
                "");
        Files.writeString(dir.resolve("sshd_config"), config);
    }

    private boolean awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(25);
            }
        }
        return false;
    }

    private void writeKnownHosts() throws IOException, InterruptedException {
        String name = "[127.0.0.1]:" + port;
        Files.writeString(knownHosts(), name + " " + keyPart(hostKeyEd25519()) + "\n" + name + " "
                + keyPart(hostKeyEcdsa()) + "\n");
        Files.writeString(knownHostsEcdsaOnly(), name + " " + keyPart(hostKeyEcdsa()) + "\n");
        Files.copy(knownHosts(), knownHostsHashed());
        run("ssh-keygen", "-q", "-H", "-f", knownHostsHashed().toString());
    }

    private static String keyPart(Path privateKey) throws IOException {
        String[] fields = Files.readString(Path.of(privateKey + ".pub")).strip().split(" ");
        return fields[0] + " " + fields[1];
    }

    private static String pub(Path privateKey) throws IOException {
        return Files.readString(Path.of(privateKey + ".pub"));
    }

    private static void keygen(String type, Path file, String passphrase) throws IOException, InterruptedException {
        run("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "pveq-test", "-f", file.toString());
    }

    /** Runs a local program and returns its stdout; fails on a non-zero exit. */
    static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    /** @return the SHA256 fingerprint of a key file, as ssh-keygen prints it */
    static String fingerprint(Path key) throws IOException, InterruptedException {
        return run("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").split(" ")[1];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** @return the loopback port */
    public int port() {
        return port;
    }

    /** @return the login user: whoever runs the tests (sshd running as non-root only admits its own user) */
    public String user() {
        return System.getProperty("user.name");
    }

    /** @return the folder sessions find first on PATH */
    public Path binDir() {
        return dir.resolve("bin");
    }

    /** @return a scratch folder owned by this server */
    public Path dir() {
        return dir;
    }

    /** @return host private key (ed25519) */
    public Path hostKeyEd25519() {
        return dir.resolve("host_ed25519");
    }

    /** @return host private key (ECDSA) */
    public Path hostKeyEcdsa() {
        return dir.resolve("host_ecdsa");
    }

    /** @return authorised client key, ed25519, no passphrase */
    public Path clientEd25519() {
        return dir.resolve("client_ed25519");
    }

    /** @return authorised client key, ECDSA P-256, no passphrase */
    public Path clientEcdsa() {
        return dir.resolve("client_ecdsa");
    }

    /** @return authorised client key, RSA, protected by {@link #RSA_PASSPHRASE} */
    public Path clientRsaEncrypted() {
        return dir.resolve("client_rsa");
    }

    /** @return a valid key that is not authorised */
    public Path strangerKey() {
        return dir.resolve("stranger_ed25519");
    }

    /** @return known_hosts listing both host keys */
    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** @return the same entries with hashed host names */
    public Path knownHostsHashed() {
        return dir.resolve("known_hosts_hashed");
    }

    /** @return known_hosts listing only the ECDSA host key */
    public Path knownHostsEcdsaOnly() {
        return dir.resolve("known_hosts_ecdsa");
    }

    /** @return a transport builder for this server: ed25519 client key, known_hosts checked */
    public SshCommandTransport.Builder transport() {
        return SshCommandTransport.builder("127.0.0.1").port(port).user(user())
                .privateKey(clientEd25519()).hostKeyPolicy(HostKeyPolicy.knownHosts(knownHosts()));
    }
}
