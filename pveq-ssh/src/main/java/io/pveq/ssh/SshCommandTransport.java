package io.pveq.ssh;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.TransportException;
import io.pveq.ssh.internal.ConnectionPool;
import io.pveq.ssh.internal.HostKeyCheck;
import io.pveq.ssh.internal.KeyFiles;
import io.pveq.ssh.internal.PooledRunner;
import io.pveq.ssh.internal.SftpUpload;
import io.pveq.ssh.internal.SshConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on a remote machine (a Proxmox node) over SSH, and uploads files to it.
 *
 * <p>Connections are pooled: commands share up to {@code maxConnections} authenticated connections,
 * each carrying up to {@code maxChannelsPerConnection} commands at once; a connection that dropped is
 * replaced transparently before the next command (a command that was running when it dropped fails
 * with {@link TransportException}; it is not retried, since it may have had effects). argv is quoted
 * here, once, with POSIX single quotes, so the remote login shell must be a POSIX shell (bash, dash).
 * Each command runs as {@code echo $$ >&2; exec <argv>}: the first stderr line (hidden from the
 * result) is the pid of the session's process group, so that on timeout or interrupt a second session
 * can send it SIGTERM, then SIGKILL; OpenSSH ignores the SSH {@code signal} request for root logins.
 * The remote side needs {@code sh}, {@code kill} and {@code sleep} (any POSIX system has them).
 *
 * <p>Host keys are checked by the {@link HostKeyPolicy} (required: there is no default that trusts
 * anything). Thread-safe and meant to be shared; {@link #close()} ends all connections.
 */
public final class SshCommandTransport implements CommandTransport, FileTransfer {

    private static final Logger LOG = LoggerFactory.getLogger(SshCommandTransport.class);
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final SshConnector.Settings settings;
    private final ConnectionPool pool;
    private final ExecutorService io;
    private final boolean ownsExecutor;
    private final PooledRunner runner;

    private SshCommandTransport(Builder builder) {
        List<KeyProvider> keys = new ArrayList<>();
        for (KeyFile key : builder.keys) {
            keys.add(KeyFiles.load(key.file(), key.passphrase()));
        }
        if (builder.hostKeyPolicy == null) {
            throw new IllegalStateException(
                    "choose a host key policy: knownHosts(file), pinned(fingerprints) or acceptAnyHostKey()");
        }
        this.settings = new SshConnector.Settings(builder.host, builder.port, builder.user, keys,
                Optional.ofNullable(builder.password), HostKeyCheck.of(builder.hostKeyPolicy),
                builder.connectTimeout, builder.authTimeout, builder.keepAliveInterval);
        this.pool = new ConnectionPool(new SshConnector(settings), builder.maxConnections,
                builder.maxChannelsPerConnection, builder.acquireTimeout);
        if (builder.executor != null) {
            this.io = builder.executor;
            this.ownsExecutor = false;
        } else {
            int poolId = POOL_IDS.incrementAndGet();
            AtomicInteger threadIds = new AtomicInteger();
            ThreadFactory threads = runnable -> {
                Thread thread = new Thread(runnable, "pveq-ssh-" + poolId + "-io-" + threadIds.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            this.io = Executors.newCachedThreadPool(threads);
            this.ownsExecutor = true;
        }
        this.runner = new PooledRunner(pool, io, settings.target(), List.of());
    }

    /**
     * @param host host name or address of the SSH server
     * @return a builder; set a host key policy and a key or password before {@link Builder#build()}
     */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /**
     * Runs one command remotely. Blocking; thread-safe.
     *
     * @throws io.pveq.core.transport.CommandTimeoutException when the command outlived its timeout (it was signalled)
     * @throws HostKeyException   when a new connection met a refused host key
     * @throws TransportException when the host cannot be reached, login fails, or the connection broke
     */
    @Override
    public CommandResult run(CommandRequest request) {
        Objects.requireNonNull(request, "request");
        LOG.debug("run on {}: {}", settings.target(), request.displayLine());
        CommandResult result = runner.run(request);
        LOG.debug("{}", result);
        return result;
    }

    /**
     * Uploads over SFTP to a temporary name beside {@code remotePath}, checks its SHA-256 with
     * {@code sha256sum} on the remote side, then renames it into place ({@code mv -f}, atomic on one
     * file system). A failure removes the temporary file. Blocking; thread-safe.
     */
    @Override
    public void upload(Path localFile, String remotePath, String sha256Hex, TransferProgress progress) {
        new SftpUpload(this::run, pool, settings.target()).upload(localFile, remotePath, sha256Hex,
                progress == null ? TransferProgress.NONE : progress);
    }

    /** @return {@code ssh user@host:port} */
    @Override
    public String describe() {
        return "ssh " + settings.target();
    }

    /** @return the number of open pooled connections, for monitoring */
    public int openConnections() {
        return pool.size();
    }

    /** @return the SHA-256 fingerprint of the host key the latest connection accepted, if any yet */
    public Optional<String> hostKeyFingerprint() {
        String fingerprint = pool.lastHostKeyFingerprint();
        return fingerprint.isEmpty() ? Optional.empty() : Optional.of(fingerprint);
    }

    /** Closes all connections (running commands fail) and the transport's own threads. Idempotent. */
    @Override
    public void close() {
        runner.close();
        if (ownsExecutor) {
            io.shutdownNow();
        }
    }

    private record KeyFile(Path file, Optional<char[]> passphrase) {
    }

    /**
     * Configures an {@link SshCommandTransport}. Defaults: port 22, user {@code root}, connect and auth
     * timeouts 10 s, keep-alive every 30 s, 4 connections x 8 channels, wait for a free channel up to
     * 60 s. A host key policy and at least one credential are required. Not thread-safe.
     */
    public static final class Builder {
        private final String host;
        private int port = 22;
        private String user = "root";
        private final List<KeyFile> keys = new ArrayList<>();
        private char[] password;
        private HostKeyPolicy hostKeyPolicy;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration authTimeout = Duration.ofSeconds(10);
        private Duration keepAliveInterval = Duration.ofSeconds(30);
        private Duration acquireTimeout = Duration.ofSeconds(60);
        private int maxConnections = 4;
        private int maxChannelsPerConnection = 8;
        private ExecutorService executor;

        private Builder(String host) {
            this.host = Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
        }

        /** @param port SSH port, 1-65535; default 22 */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** @param user login user; default {@code root} */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /** Adds an unencrypted private key file (OpenSSH ed25519/ECDSA/RSA, PEM or PuTTY format). */
        public Builder privateKey(Path file) {
            keys.add(new KeyFile(Objects.requireNonNull(file, "file"), Optional.empty()));
            return this;
        }

        /** Adds a passphrase-protected private key file; the array is copied. */
        public Builder privateKey(Path file, char[] passphrase) {
            keys.add(new KeyFile(Objects.requireNonNull(file, "file"), Optional.of(passphrase.clone())));
            return this;
        }

        /** @param password tried after the keys, when the server allows passwords; copied; null for none */
        public Builder password(char[] password) {
            this.password = password == null ? null : password.clone();
            return this;
        }

        /** @param policy how the host key is checked; required */
        public Builder hostKeyPolicy(HostKeyPolicy policy) {
            this.hostKeyPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** @param timeout TCP connect plus key exchange; default 10 s */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** @param timeout authentication; default 10 s */
        public Builder authTimeout(Duration timeout) {
            this.authTimeout = positive(timeout, "authTimeout");
            return this;
        }

        /** @param interval keep-alive probe interval, whole seconds; zero disables; default 30 s */
        public Builder keepAliveInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("keepAliveInterval must not be negative");
            }
            this.keepAliveInterval = interval;
            return this;
        }

        /** @param timeout how long a command waits for a free channel when the pool is busy; default 60 s */
        public Builder acquireTimeout(Duration timeout) {
            this.acquireTimeout = positive(timeout, "acquireTimeout");
            return this;
        }

        /** @param max simultaneous connections, at least 1; default 4 */
        public Builder maxConnections(int max) {
            this.maxConnections = atLeastOne(max, "maxConnections");
            return this;
        }

        /** @param max simultaneous commands per connection, 1-10 (OpenSSH MaxSessions); default 8 */
        public Builder maxChannelsPerConnection(int max) {
            this.maxChannelsPerConnection = atLeastOne(max, "maxChannelsPerConnection");
            return this;
        }

        /** @param executor runs output pumps; the caller shuts it down; default: the transport's own daemon threads */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Loads the keys (a wrong passphrase fails here) and creates the transport; it connects lazily.
         *
         * @throws IllegalStateException    when no host key policy was chosen
         * @throws IllegalArgumentException when no credential was given
         * @throws TransportException       when a key file cannot be loaded
         */
        public SshCommandTransport build() {
            return new SshCommandTransport(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        }

        private static int atLeastOne(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1");
            }
            return value;
        }
    }
}
