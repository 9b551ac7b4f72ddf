package io.pveq.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTimeoutException;
import io.pveq.core.transport.TransportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SSH-specific behaviour against a real OpenSSH server: host keys, credentials, dropped connections. */
class SshCommandTransportTest {

    @RegisterExtension
    static final OpenSshServer SSHD = new OpenSshServer();

    @TempDir
    Path temp;

    private static final List<String> INJECTIONS = List.of(
            "x; touch %s", "x && touch %s", "x | touch %s", "$(touch %s)", "`touch %s`", "x\ntouch %s",
            "'; touch %s; '", "\"; touch %s; \"", "> %s", "x & touch %s");

    @Test
    void injectionInEveryArgumentPositionArrivesLiterally() {
        Path marker = temp.resolve("pwned");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            for (String template : INJECTIONS) {
                String hostile = template.formatted(marker);
                // as the program name: no such program, nothing else runs
                CommandResult asProgram = transport.run(List.of(hostile));
                assertEquals(127, asProgram.exitCode(), hostile);
                for (int position = 0; position <= 2; position++) {
                    List<String> args = new ArrayList<>(List.of("a", "b"));
                    args.add(position, hostile);
                    List<String> argv = new ArrayList<>(List.of("printf", "<%s>"));
                    argv.addAll(args);
                    CommandResult result = transport.run(argv);
                    assertEquals("<" + String.join("><", args) + ">", result.stdout(), hostile);
                }
                CommandResult viaStdin = transport.run(CommandRequest.builder(List.of("cat"))
                        .stdin(hostile.getBytes(java.nio.charset.StandardCharsets.UTF_8)).build());
                assertEquals(hostile, viaStdin.stdout());
                assertFalse(Files.exists(marker), "injected command ran: " + hostile);
            }
        }
    }

    @Test
    void connectionKilledMidCommandFailsClearlyAndNextCommandUsesAFreshConnection() throws Exception {
        Path started = temp.resolve("started");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            CompletableFuture<CommandResult> running = CompletableFuture.supplyAsync(() -> transport.run(
                    CommandRequest.builder(List.of("sh", "-c", "touch \"$0\"; exec sleep 30", started.toString()))
                            .timeout(Duration.ofSeconds(60)).build()));
            awaitFile(started);
            assertTrue(SSHD.killConnections() >= 1);
            Throwable failure = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> running.get(20, TimeUnit.SECONDS)).getCause();
            assertInstanceOf(TransportException.class, failure);
            assertFalse(failure instanceof CommandTimeoutException, failure.toString());
            assertTrue(failure.getMessage().contains("lost"), failure.getMessage());
            assertTrue(failure.getMessage().contains("sleep") || failure.getMessage().contains("sh -c"), failure.getMessage());

            assertEquals("again", transport.run(List.of("printf", "again")).stdout());
        }
    }

    @Test
    void idleConnectionDroppedByTheServerIsReplacedTransparently() throws Exception {
        try (SshCommandTransport transport = SSHD.transport().build()) {
            assertEquals(0, transport.run(List.of("true")).exitCode());
            assertEquals(1, transport.openConnections());
            SSHD.killConnections();
            assertEquals("fresh", transport.run(List.of("printf", "fresh")).stdout());
            assertEquals(1, transport.openConnections());
        }
    }

    @Test
    void changedHostKeyIsRefusedNamingHostAndFingerprints() throws Exception {
        Path knownHosts = temp.resolve("known_hosts");
        String strangerKey = Files.readString(Path.of(SSHD.strangerKey() + ".pub")).split(" ")[1];
        Files.writeString(knownHosts, "[127.0.0.1]:" + SSHD.port() + " ssh-ed25519 " + strangerKey + "\n");
        try (SshCommandTransport transport = SSHD.transport().hostKeyPolicy(HostKeyPolicy.knownHosts(knownHosts))
                .build()) {
            HostKeyException refused = assertThrows(HostKeyException.class, () -> transport.run(List.of("true")));
            assertTrue(refused.keyChanged());
            String expected = OpenSshServer.fingerprint(SSHD.strangerKey());
            String offered = OpenSshServer.fingerprint(SSHD.hostKeyEd25519());
            assertEquals(offered, refused.offeredFingerprint());
            assertTrue(refused.getMessage().contains("127.0.0.1:" + SSHD.port()), refused.getMessage());
            assertTrue(refused.getMessage().contains(expected), refused.getMessage());
            assertTrue(refused.getMessage().contains(offered), refused.getMessage());
            assertEquals(0, transport.openConnections());
        }
    }

    @Test
    void unknownHostIsRefusedByDefault() {
        try (SshCommandTransport transport = SSHD.transport()
                .hostKeyPolicy(HostKeyPolicy.knownHosts(temp.resolve("empty_known_hosts"))).build()) {
            HostKeyException refused = assertThrows(HostKeyException.class, () -> transport.run(List.of("true")));
            assertFalse(refused.keyChanged());
            assertTrue(refused.getMessage().contains("unknown host"), refused.getMessage());
        }
    }

    @Test
    void aTransportWithoutHostKeyPolicyCannotBeBuilt() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> SshCommandTransport
                .builder("127.0.0.1").port(SSHD.port()).privateKey(SSHD.clientEd25519()).build());
        assertTrue(thrown.getMessage().contains("acceptAnyHostKey"), thrown.getMessage());
    }

    @Test
    void hashedKnownHostsEntriesAreMatched() {
        try (SshCommandTransport transport = SSHD.transport()
                .hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHostsHashed())).build()) {
            assertEquals("ok", transport.run(List.of("printf", "ok")).stdout());
        }
    }

    @Test
    void recordedKeyTypeIsNegotiatedWhenOnlyEcdsaIsKnown() {
        try (SshCommandTransport transport = SSHD.transport()
                .hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHostsEcdsaOnly())).build()) {
            assertEquals("ok", transport.run(List.of("printf", "ok")).stdout());
        }
    }

    @Test
    void pinnedFingerprintIsAcceptedAndAnotherRefused() throws Exception {
        String real = OpenSshServer.fingerprint(SSHD.hostKeyEd25519());
        String other = OpenSshServer.fingerprint(SSHD.strangerKey());
        try (SshCommandTransport transport = SSHD.transport().hostKeyPolicy(HostKeyPolicy.pinned(real)).build()) {
            assertEquals(0, transport.run(List.of("true")).exitCode());
            assertEquals(real, transport.hostKeyFingerprint().orElseThrow());
        }
        try (SshCommandTransport transport = SSHD.transport().hostKeyPolicy(HostKeyPolicy.pinned(other)).build()) {
            HostKeyException refused = assertThrows(HostKeyException.class, () -> transport.run(List.of("true")));
            assertEquals(List.of(other), refused.expectedFingerprints());
        }
    }

    @Test
    void acceptAnyHostKeyWorksOnlyWhenChosen() {
        try (SshCommandTransport transport = SSHD.transport().hostKeyPolicy(HostKeyPolicy.acceptAnyHostKey()).build()) {
            assertEquals(0, transport.run(List.of("true")).exitCode());
        }
    }

    @Test
    void passphraseProtectedRsaAndEcdsaKeysLogIn() {
        try (SshCommandTransport rsa = SshCommandTransport.builder("127.0.0.1").port(SSHD.port()).user(SSHD.user())
                .privateKey(SSHD.clientRsaEncrypted(), OpenSshServer.RSA_PASSPHRASE.toCharArray())
                .hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHosts())).build();
             SshCommandTransport ecdsa = SshCommandTransport.builder("127.0.0.1").port(SSHD.port()).user(SSHD.user())
                .privateKey(SSHD.clientEcdsa()).hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHosts())).build()) {
            assertEquals("rsa", rsa.run(List.of("printf", "rsa")).stdout());
            assertEquals("ecdsa", ecdsa.run(List.of("printf", "ecdsa")).stdout());
        }
    }

    @Test
    void wrongPassphraseFailsWhenBuilding() {
        TransportException thrown = assertThrows(TransportException.class, () -> SshCommandTransport
                .builder("127.0.0.1").port(SSHD.port())
                .privateKey(SSHD.clientRsaEncrypted(), "wrong".toCharArray())
                .hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHosts())).build());
        assertTrue(thrown.getMessage().contains("passphrase"), thrown.getMessage());
    }

    @Test
    void unauthorisedKeyIsAClearLoginFailure() {
        try (SshCommandTransport transport = SshCommandTransport.builder("127.0.0.1").port(SSHD.port())
                .user(SSHD.user()).privateKey(SSHD.strangerKey())
                .hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHosts())).build()) {
            TransportException thrown = assertThrows(TransportException.class, () -> transport.run(List.of("true")));
            assertTrue(thrown.getMessage().contains("authentication as " + SSHD.user() + "@127.0.0.1"),
                    thrown.getMessage());
        }
    }

    @Test
    void connectionRefusedIsATransportFailureNamingTheTarget() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        try (SshCommandTransport transport = SshCommandTransport.builder("127.0.0.1").port(closedPort)
                .privateKey(SSHD.clientEd25519()).hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHosts()))
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            TransportException thrown = assertThrows(TransportException.class, () -> transport.run(List.of("true")));
            assertTrue(thrown.getMessage().contains("127.0.0.1:" + closedPort), thrown.getMessage());
            assertTrue(thrown.getMessage().contains("refused"), thrown.getMessage());
        }
    }

    @Test
    void serverThatNeverSpeaksSshFailsWithinTheConnectTimeout() throws Exception {
        // the kernel completes the TCP handshake for the backlog, but nobody ever sends an SSH banner
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"));
             SshCommandTransport transport = SshCommandTransport.builder("127.0.0.1").port(silent.getLocalPort())
                     .privateKey(SSHD.clientEd25519()).hostKeyPolicy(HostKeyPolicy.knownHosts(SSHD.knownHosts()))
                     .connectTimeout(Duration.ofMillis(700)).build()) {
            TransportException thrown = assertThrows(TransportException.class, () -> transport.run(List.of("true")));
            assertTrue(thrown.getMessage().contains("127.0.0.1:" + silent.getLocalPort()), thrown.getMessage());
            assertTrue(thrown.getMessage().contains("no SSH handshake within 700 ms"), thrown.getMessage());
        }
    }

    @Test
    void timeoutKillsTheWholeRemoteProcessGroup() throws Exception {
        Path pidFile = temp.resolve("child");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            CommandTimeoutException thrown = assertThrows(CommandTimeoutException.class, () -> transport.run(
                    CommandRequest.builder(List.of("sh", "-c", "echo before; sleep 60 & echo $! > \"$0\"; wait",
                            pidFile.toString())).timeout(Duration.ofMillis(800)).build()));
            assertEquals("before\n", thrown.partialStdout());
            assertEquals("", thrown.partialStderr(), "the pid line must not leak into stderr");
            long child = Long.parseLong(Files.readString(pidFile).strip());
            awaitGone(child);
        }
    }

    @Test
    void commandThatClosesItsOutputEarlyStillTimesOutAndIsKilled() throws Exception {
        // end of output arrives long before the exit status: the timeout must still hold and kill
        Path pidFile = temp.resolve("quiet");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            long start = System.nanoTime();
            CommandTimeoutException thrown = assertThrows(CommandTimeoutException.class, () -> transport.run(
                    CommandRequest.builder(List.of("sh", "-c", "echo $$ > \"$0\"; echo bye; exec >&- 2>&-; sleep 60",
                            pidFile.toString())).timeout(Duration.ofMillis(800)).build()));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the timeout was not kept");
            assertEquals("bye\n", thrown.partialStdout());
            awaitGone(Long.parseLong(Files.readString(pidFile).strip()));
            assertEquals("after", transport.run(List.of("printf", "after")).stdout(), "the connection stays usable");
        }
    }

    @Test
    void outputArrivingInManySmallPiecesOnBothStreamsIsKeptInOrder() {
        try (SshCommandTransport transport = SSHD.transport().build()) {
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            CommandResult result = transport.run(CommandRequest.builder(List.of("sh", "-c",
                    "i=0; while [ $i -lt 300 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done"))
                    .listener((stream, line) -> lines.add(stream + " " + line)).build());
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                out.append("out").append(i).append('\n');
                err.append("err").append(i).append('\n');
            }
            assertEquals(out.toString(), result.stdout());
            assertEquals(err.toString(), result.stderr());
            assertEquals(600, lines.size());
            assertEquals(List.of("STDOUT out0", "STDOUT out299"), List.of(
                    lines.stream().filter(l -> l.startsWith("STDOUT")).findFirst().orElseThrow(),
                    lines.stream().filter(l -> l.startsWith("STDOUT")).reduce((a, b) -> b).orElseThrow()));
        }
    }

    @Test
    void interruptKillsTheRemoteCommand() throws Exception {
        Path pidFile = temp.resolve("pid");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    transport.run(List.of("sh", "-c", "echo $$ > \"$0\"; exec sleep 60", pidFile.toString()));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            caller.start();
            awaitLine(pidFile);
            caller.interrupt();
            caller.join(15_000);
            assertInstanceOf(TransportException.class, thrown.get());
            awaitGone(Long.parseLong(Files.readString(pidFile).strip()));
        }
    }

    @Test
    void deathBySignalIsAnExitCodeNotANull() {
        try (SshCommandTransport transport = SSHD.transport().build()) {
            assertEquals(137, transport.run(List.of("sh", "-c", "kill -9 $$")).exitCode());
        }
    }

    @Test
    void poolStaysWithinItsBoundsUnderLoad() throws Exception {
        try (SshCommandTransport transport = SSHD.transport().maxConnections(2).maxChannelsPerConnection(3).build()) {
            List<CompletableFuture<String>> runs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String token = "n" + i;
                runs.add(CompletableFuture.supplyAsync(() -> transport.run(List.of("printf", token)).stdout()));
            }
            for (int i = 0; i < runs.size(); i++) {
                assertEquals("n" + i, runs.get(i).get(60, TimeUnit.SECONDS));
            }
            assertTrue(transport.openConnections() <= 2, "connections: " + transport.openConnections());
        }
    }

    /** Waits until {@code file} exists. */
    static void awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(file), file + " never appeared");
    }

    /** Waits until {@code file} holds a complete line. */
    static void awaitLine(Path file) throws Exception {
        awaitFile(file);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(file).endsWith("\n") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(Path.of("/proc", Long.toString(pid))) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(Path.of("/proc", Long.toString(pid))), "remote process " + pid + " survived");
    }
}
