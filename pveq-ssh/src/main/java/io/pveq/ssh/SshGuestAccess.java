package io.pveq.ssh;

import io.pveq.core.GuestAccessException;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.OutputListener;
import io.pveq.core.transport.TransportException;
import io.pveq.ssh.internal.ConnectionPool;
import io.pveq.ssh.internal.Fingerprints;
import io.pveq.ssh.internal.GuestHostKeys;
import io.pveq.ssh.internal.GuestRunners;
import io.pveq.ssh.internal.GuestScripts;
import io.pveq.ssh.internal.KeyFiles;
import io.pveq.ssh.internal.PooledRunner;
import io.pveq.ssh.internal.RemoteExecution;
import io.pveq.ssh.internal.SshAuthException;
import io.pveq.ssh.internal.SshConnector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches new VMs over SSH with a key pair it owns: waits until a guest accepts a login, runs init
 * scripts as root (through {@code sudo -n} when the login user is not root), reboots it.
 *
 * <p>Host keys: trust on first use, in memory, per endpoint (VM id, host, port). The first key a guest
 * shows is recorded and reported through {@link ReadinessListener#onReady}; a different key later is
 * refused with {@link GuestAccessException} naming both fingerprints. Call {@link #forget} before
 * reusing an endpoint for a re-created VM ({@link GuestAccess#forget}). A connection lives only
 * while an operation on its endpoint runs: it is shared by concurrent operations on
 * the same endpoint, replaced transparently after a reboot, and closed when the last of them ends, so
 * no thread or socket outlives the guests pveq talks to. Thread-safe; every method blocks.
 */
public final class SshGuestAccess implements GuestAccess {

    private static final Logger LOG = LoggerFactory.getLogger(SshGuestAccess.class);

    private final KeyProvider key;
    private final String authorizedKey;
    private final GuestHostKeys hostKeys = new GuestHostKeys();
    private final GuestRunners runners = new GuestRunners(this::newRunner);
    private final ExecutorService io;
    private final Clock clock;
    private final Duration connectTimeout;
    private final Duration probeTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final List<String> rebootCommand;
    private final Duration rebootTimeout;

    private SshGuestAccess(Builder builder) {
        this.key = loadOrGenerate(builder.keyFile, Optional.ofNullable(builder.passphrase), builder.keyComment);
        try {
            this.authorizedKey = Fingerprints.authorizedKeyLine(key.getPublic(), builder.keyComment);
        } catch (IOException e) {
            throw new TransportException("cannot read the public half of " + builder.keyFile, e);
        }
        this.clock = builder.clock;
        this.connectTimeout = builder.connectTimeout;
        this.probeTimeout = builder.probeTimeout;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.rebootCommand = List.copyOf(builder.rebootCommand);
        this.rebootTimeout = builder.rebootTimeout;
        this.io = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "pveq-guest-ssh-io");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static KeyProvider loadOrGenerate(Path file, Optional<char[]> passphrase, String comment) {
        if (!Files.exists(file)) {
            try {
                KeyFiles.generateEd25519(file, comment);
                LOG.info("generated guest key pair {}", file);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process generated it first: load theirs
            } catch (IOException e) {
                throw new TransportException("cannot create guest key " + file + ": " + e.getMessage(), e);
            }
        }
        return KeyFiles.load(file, passphrase);
    }

    /**
     * @param keyFile the private key used to log in to guests: loaded when it exists, else an ed25519
     *                pair is generated there (mode 0600, public half in {@code <keyFile>.pub})
     * @return a builder
     */
    public static Builder builder(Path keyFile) {
        return new Builder(keyFile);
    }

    @Override
    public String authorizedKey() {
        return authorizedKey;
    }

    @Override
    public void awaitReady(GuestEndpoint endpoint, Duration deadline, ReadinessListener listener) {
        Objects.requireNonNull(endpoint, "endpoint");
        ReadinessListener progress = listener == null ? ReadinessListener.NONE : listener;
        Instant start = clock.instant();
        Instant end = start.plus(deadline);
        try (GuestRunners.Use use = runners.use(endpoint)) {
            awaitReady(endpoint, use.runner(), deadline, progress, start, end, initialBackoff);
        }
    }

    private void awaitReady(GuestEndpoint endpoint, PooledRunner runner, Duration deadline, ReadinessListener progress,
                            Instant start, Instant end, Duration initial) {
        Duration backoff = initial;
        String outcome;
        for (int attempt = 1; ; attempt++) {
            outcome = attempt(endpoint, runner);
            Duration elapsed = Duration.between(start, clock.instant());
            int number = attempt;
            if (outcome.isEmpty()) {
                String fingerprint = hostKeys.fingerprint(id(endpoint)).orElse("");
                notify(() -> progress.onAttempt(number, elapsed, "ready"));
                notify(() -> progress.onReady(fingerprint, elapsed));
                return;
            }
            String seen = outcome;
            notify(() -> progress.onAttempt(number, elapsed, seen));
            Duration left = Duration.between(clock.instant(), end);
            if (left.isNegative() || left.isZero()) {
                throw new GuestAccessException("VM " + endpoint.vmId() + " (" + endpoint + ") did not accept SSH within "
                        + deadline.toSeconds() + " s after " + attempt + " attempts; last attempt: " + outcome);
            }
            pause(backoff.compareTo(left) < 0 ? backoff : left, "VM " + endpoint.vmId() + " to accept SSH");
            backoff = backoff.multipliedBy(3).dividedBy(2);
            if (backoff.compareTo(maxBackoff) > 0) {
                backoff = maxBackoff;
            }
        }
    }

    /** @return empty when the guest ran {@code true} for us, else what went wrong */
    private String attempt(GuestEndpoint endpoint, PooledRunner runner) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) probeTimeout.toMillis());
            } catch (IOException e) {
                return "TCP " + (e instanceof java.net.ConnectException ? "connection refused"
                        : e instanceof java.net.SocketTimeoutException ? "connect timed out" : e.getMessage());
            }
            // a forwarded or NAT-ed port (a hypervisor's user-mode network) accepts before the guest's sshd
            // runs: only a banner says sshd answers. A guest that is up but not yet listening resets at
            // once, so attempts stay short then; a slow sshd gets the connect timeout for its banner
            socket.setSoTimeout((int) connectTimeout.toMillis());
            byte[] banner = socket.getInputStream().readNBytes(4);
            if (banner.length < 4 || !new String(banner, java.nio.charset.StandardCharsets.US_ASCII).equals("SSH-")) {
                return "TCP open, no SSH banner (" + (banner.length == 0 ? "connection closed" : "not SSH") + ")";
            }
        } catch (java.net.SocketTimeoutException e) {
            return "TCP open, no SSH banner within " + connectTimeout.toMillis() + " ms";
        } catch (IOException e) {
            return "TCP open, " + e.getMessage();
        }
        try {
            CommandResult result = runner.run(CommandRequest.builder(List.of("true"))
                    .timeout(connectTimeout.plusSeconds(5)).build());
            return result.succeeded() ? "" : "login works but 'true' exited " + result.exitCode();
        } catch (HostKeyException e) {
            throw new GuestAccessException("VM " + endpoint.vmId() + ": " + e.getMessage(), e);
        } catch (SshAuthException e) {
            return "SSH up, key not yet accepted";
        } catch (TransportException e) {
            return "SSH handshake failed: " + e.getMessage();
        }
    }

    private void pause(Duration duration, String waitingFor) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestAccessException("interrupted while waiting for " + waitingFor, e);
        }
    }

    @Override
    public int runScript(GuestEndpoint endpoint, GuestScript script, Duration timeout, OutputListener output) {
        Objects.requireNonNull(script, "script");
        try (GuestRunners.Use use = runners.use(endpoint)) {
            return runScript(endpoint, use.runner(), script, timeout, output);
        }
    }

    private int runScript(GuestEndpoint endpoint, PooledRunner runner, GuestScript script, Duration timeout,
                          OutputListener output) {
        String where = "VM " + endpoint.vmId() + " (" + endpoint + ")";
        String path;
        try {
            CommandResult placed = runner.run(GuestScripts.placement(script));
            if (!placed.succeeded() || placed.stdout().isBlank()) {
                throw new GuestAccessException("cannot place script " + script.name() + " on " + where + ": "
                        + placed.stderrTail(300));
            }
            path = placed.stdout().strip();
        } catch (TransportException e) {
            throw new GuestAccessException("cannot place script " + script.name() + " on " + where + ": "
                    + e.getMessage(), e);
        }
        try {
            CommandRequest.Builder request = CommandRequest.builder(GuestScripts.invocation(asRoot(endpoint), script, path))
                    .timeout(timeout);
            script.secretStdin().ifPresent(request::stdin);
            if (output != null) {
                request.listener(output);
            }
            LOG.debug("running {} on {}", script, where);
            return runner.run(request.build()).exitCode();
        } catch (TransportException e) {
            throw new GuestAccessException("script " + script.name() + " on " + where + " did not finish: "
                    + e.getMessage(), e);
        } finally {
            try {
                runner.run(CommandRequest.builder(List.of("rm", "-f", "--", path)).timeout(Duration.ofSeconds(30)).build());
            } catch (TransportException e) {
                LOG.debug("could not remove {} on {}: {}", path, where, e.toString());
            }
        }
    }

    @Override
    public void reboot(GuestEndpoint endpoint) {
        try (GuestRunners.Use use = runners.use(endpoint)) {
            reboot(endpoint, use.runner());
        }
    }

    private void reboot(GuestEndpoint endpoint, PooledRunner runner) {
        String where = "VM " + endpoint.vmId() + " (" + endpoint + ")";
        List<String> argv = new ArrayList<>(asRoot(endpoint));
        argv.addAll(rebootCommand);
        try {
            CommandResult result = runner.run(CommandRequest.builder(argv).timeout(rebootTimeout).build());
            if (!result.succeeded()) {
                throw new GuestAccessException("reboot of " + where + " refused (exit " + result.exitCode() + "): "
                        + result.stderrTail(300));
            }
        } catch (RemoteExecution.ConnectionLostException gone) {
            LOG.debug("{} dropped the connection while rebooting", where);
            return;
        } catch (TransportException e) {
            throw new GuestAccessException("cannot reboot " + where + ": " + e.getMessage(), e);
        }
        awaitDisconnect(runner.pool(), where);
    }

    /** After a reboot command returned: wait until the guest closes the connection. */
    private void awaitDisconnect(ConnectionPool pool, String where) {
        Instant end = clock.instant().plus(rebootTimeout);
        while (clock.instant().isBefore(end)) {
            if (!pool.hasLiveConnection()) {
                return;
            }
            pause(Duration.ofMillis(50), where + " to drop its connection for the reboot");
        }
        throw new GuestAccessException(where + " accepted the reboot command but kept its SSH connection open for "
                + rebootTimeout.toSeconds() + " s");
    }

    private List<String> asRoot(GuestEndpoint endpoint) {
        return endpoint.user().equals("root") ? List.of() : List.of("sudo", "-n", "--");
    }

    private PooledRunner newRunner(GuestEndpoint endpoint) {
        SshConnector.Settings settings = new SshConnector.Settings(endpoint.host(), endpoint.port(),
                endpoint.user(), List.of(key), Optional.empty(), hostKeys.checkFor(id(endpoint)), connectTimeout,
                connectTimeout, Duration.ofSeconds(5));
        ConnectionPool pool = new ConnectionPool(new SshConnector(settings), 1, 4, Duration.ofMinutes(2));
        return new PooledRunner(pool, io, settings.target(),
                endpoint.user().equals("root") ? List.of() : List.of("sudo", "-n"));
    }

    /** @return the number of endpoints with an open runner (operations in progress); for tests */
    int cachedConnections() {
        return runners.size();
    }

    private static String id(GuestEndpoint endpoint) {
        return GuestRunners.id(endpoint);
    }

    /** @return the host key fingerprint recorded for {@code endpoint} on first contact, if any */
    public Optional<String> recordedHostKey(GuestEndpoint endpoint) {
        return hostKeys.fingerprint(id(endpoint));
    }

    /**
     * Forgets the recorded host key and closes the connections of {@code endpoint} (matched by VM id,
     * host and port): call it when a VM is destroyed or re-created at the same address, whose new host
     * key would otherwise be refused. An operation still running on the endpoint loses its connection.
     */
    @Override
    public void forget(GuestEndpoint endpoint) {
        String id = id(endpoint);
        hostKeys.forget(id);
        runners.drop(id);
    }

    /** Closes all guest connections. Idempotent. */
    @Override
    public void close() {
        runners.close();
        io.shutdownNow();
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("readiness listener threw; ignored", e);
        }
    }

    /**
     * Configures an {@link SshGuestAccess}. Defaults: connect and auth timeout 5 s, TCP probe 1 s, backoff
     * from 250 ms growing by 1.5x to 1 s (a guest whose sshd starts answering is noticed within about a
     * second), reboot command {@code reboot} with 60 s to drop the connection, the system clock. Not
     * thread-safe.
     */
    public static final class Builder {
        private final Path keyFile;
        private char[] passphrase;
        private String keyComment = "pveq";
        private Clock clock = Clock.systemUTC();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration probeTimeout = Duration.ofSeconds(1);
        private Duration initialBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(1);
        private List<String> rebootCommand = List.of("reboot");
        private Duration rebootTimeout = Duration.ofSeconds(60);

        private Builder(Path keyFile) {
            this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
        }

        /** @param passphrase of an existing encrypted key file; copied */
        public Builder passphrase(char[] passphrase) {
            this.passphrase = passphrase.clone();
            return this;
        }

        /** @param comment comment of a generated key and of {@link #authorizedKey()}; default {@code pveq} */
        public Builder keyComment(String comment) {
            this.keyComment = Objects.requireNonNull(comment, "comment");
            return this;
        }

        /** @param clock measures elapsed time and deadlines; default the system clock */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param timeout TCP connect, key exchange and login of one attempt; default 5 s */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** @param timeout the TCP probe before each SSH attempt; default 1 s */
        public Builder probeTimeout(Duration timeout) {
            this.probeTimeout = positive(timeout, "probeTimeout");
            return this;
        }

        /**
         * @param initial pause after the first failed attempt; default 250 ms
         * @param max     longest pause; default 1 s
         */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial backoff");
            this.maxBackoff = positive(max, "max backoff");
            return this;
        }

        /**
         * @param argv    what {@link #reboot} runs as root; default {@code reboot}
         * @param timeout how long the guest may take to drop the connection afterwards; default 60 s
         */
        public Builder rebootCommand(List<String> argv, Duration timeout) {
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("reboot command must not be empty");
            }
            this.rebootCommand = List.copyOf(argv);
            this.rebootTimeout = positive(timeout, "reboot timeout");
            return this;
        }

        /**
         * Loads or generates the key pair.
         *
         * @throws TransportException when the key cannot be generated, written or loaded
         */
        public SshGuestAccess build() {
            return new SshGuestAccess(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        }
    }
}
