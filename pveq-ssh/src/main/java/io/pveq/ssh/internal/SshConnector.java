package io.pveq.ssh.internal;

import io.pveq.core.transport.TransportException;
import io.pveq.ssh.HostKeyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.SocketFactory;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPassword;
import net.schmizz.sshj.userauth.method.AuthPublickey;
import net.schmizz.sshj.userauth.password.PasswordUtils;

/**
 * Opens authenticated sshj connections to one host with pveq's settings: TCP_NODELAY (without it
 * every small command waits for a delayed ACK, about 40 ms), connect and auth timeouts, keep-alive,
 * a host-key check whose refusal surfaces as {@link HostKeyException}. Thread-safe.
 */
public final class SshConnector {

    /** What a connection needs. Passwords are kept as char arrays and never logged. */
    public record Settings(String host, int port, String user, List<KeyProvider> keys, Optional<char[]> password,
                           HostKeyCheck hostKeys, Duration connectTimeout, Duration authTimeout,
                           Duration keepAliveInterval) {
        /** Validates. */
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            keys = List.copyOf(keys);
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(hostKeys, "hostKeys");
            if (keys.isEmpty() && password.isEmpty()) {
                throw new IllegalArgumentException("a private key or a password is needed to log in");
            }
        }

        /** @return {@code user@host:port} */
        public String target() {
            return user + "@" + host + ":" + port;
        }
    }

    /** An authenticated connection and the fingerprint of the host key it accepted. */
    public record Connected(SSHClient client, String hostKeyFingerprint) {
    }

    private static final Config CONFIG = createConfig();

    private final Settings settings;

    /** @param settings where and how to connect */
    public SshConnector(Settings settings) {
        this.settings = settings;
    }

    /** @return the settings */
    public Settings settings() {
        return settings;
    }

    /** @return the sshj configuration shared by all pveq connections (it is read-only once built) */
    public static Config config() {
        return CONFIG;
    }

    private static Config createConfig() {
        DefaultConfig config = new DefaultConfig();
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        return config;
    }

    /**
     * Connects, checks the host key and logs in. Blocking.
     *
     * @return the connection; the caller closes it
     * @throws HostKeyException   when the host key is refused (no credential was sent)
     * @throws SshAuthException   when the server refused every credential
     * @throws TransportException when the host cannot be reached or the handshake fails
     */
    public Connected connect() {
        RecordingVerifier verifier = new RecordingVerifier(settings.hostKeys());
        SSHClient client = new SSHClient(CONFIG);
        client.setSocketFactory(new NoDelaySocketFactory());
        client.setRemoteCharset(StandardCharsets.UTF_8);
        client.setConnectTimeout(millis(settings.connectTimeout()));
        client.getTransport().setTimeoutMs(millis(settings.connectTimeout()));
        client.getConnection().setTimeoutMs(millis(settings.connectTimeout()));
        client.addHostKeyVerifier(verifier);
        if (!settings.keepAliveInterval().isZero()) {
            client.getConnection().getKeepAlive()
                    .setKeepAliveInterval((int) Math.max(1, settings.keepAliveInterval().toSeconds()));
        }
        // sshj reads the server's banner without any timeout: a server that accepts TCP but never speaks
        // SSH would block forever, so a watchdog closes the socket if the handshake is not done in time
        AtomicBoolean handshakeOver = watchdog(client, settings.connectTimeout());
        try {
            client.connect(settings.host(), settings.port());
        } catch (IOException | UncheckedIOException e) {
            closeQuietly(client);
            if (verifier.refusal != null) {
                throw verifier.refusal;
            }
            boolean timedOut = !handshakeOver.compareAndSet(false, true);
            throw new TransportException("cannot connect to " + settings.target() + ": "
                    + (timedOut ? "no SSH handshake within " + settings.connectTimeout().toMillis() + " ms"
                    : describe(e)), e);
        }
        if (!handshakeOver.compareAndSet(false, true)) {
            closeQuietly(client);
            throw new TransportException("cannot connect to " + settings.target() + ": no SSH handshake within "
                    + settings.connectTimeout().toMillis() + " ms");
        }
        AtomicBoolean loginOver = watchdog(client, settings.authTimeout());
        try {
            client.getTransport().setTimeoutMs(millis(settings.authTimeout()));
            List<AuthMethod> methods = new ArrayList<>();
            for (KeyProvider key : settings.keys()) {
                methods.add(new AuthPublickey(key));
            }
            settings.password().ifPresent(password -> methods.add(
                    new AuthPassword(PasswordUtils.createOneOff(password.clone()))));
            client.auth(settings.user(), methods);
            client.getTransport().setTimeoutMs(millis(settings.connectTimeout()));
            if (!loginOver.compareAndSet(false, true)) {
                closeQuietly(client);
                throw new TransportException("login to " + settings.target() + " took longer than "
                        + settings.authTimeout().toMillis() + " ms");
            }
        } catch (UserAuthException e) {
            closeQuietly(client);
            if (!loginOver.compareAndSet(false, true)) {
                throw new TransportException("login to " + settings.target() + " failed: no answer within "
                        + settings.authTimeout().toMillis() + " ms", e);
            }
            throw new SshAuthException("authentication as " + settings.target() + " refused: " + describe(e), e);
        } catch (IOException e) {
            closeQuietly(client);
            boolean timedOut = !loginOver.compareAndSet(false, true);
            throw new TransportException("login to " + settings.target() + " failed: "
                    + (timedOut ? "no answer within " + settings.authTimeout().toMillis() + " ms" : describe(e)), e);
        }
        return new Connected(client, verifier.accepted);
    }

    /**
     * Closes the client after {@code limit} unless the returned flag was set first (compareAndSet from
     * false to true by whoever finishes first: the caller on success, the watchdog on expiry).
     */
    private static AtomicBoolean watchdog(SSHClient client, Duration limit) {
        AtomicBoolean over = new AtomicBoolean();
        CompletableFuture.runAsync(() -> {
            if (over.compareAndSet(false, true)) {
                closeQuietly(client);
            }
        }, CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS));
        return over;
    }

    /** @return a short human reason for a connection failure */
    static String describe(Throwable e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }

    /** Disconnects, ignoring failures. */
    public static void closeQuietly(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException | RuntimeException ignored) {
            // it is going away anyway
        }
    }

    /** Remembers why a key was refused, since sshj only reports "could not verify". */
    private static final class RecordingVerifier implements HostKeyVerifier {
        private final HostKeyCheck check;
        private volatile HostKeyException refusal;
        private volatile String accepted = "";

        RecordingVerifier(HostKeyCheck check) {
            this.check = check;
        }

        @Override
        public boolean verify(String hostname, int port, PublicKey key) {
            Optional<HostKeyException> refused = check.check(hostname, port, key);
            refused.ifPresent(r -> refusal = r);
            if (refused.isEmpty()) {
                accepted = Fingerprints.sha256(key);
            }
            return refused.isEmpty();
        }

        @Override
        public List<String> findExistingAlgorithms(String hostname, int port) {
            return check.recordedKeyTypes(hostname, port);
        }
    }

    /** Creates sockets with TCP_NODELAY set before the handshake. */
    private static final class NoDelaySocketFactory extends SocketFactory {
        @Override
        public Socket createSocket() throws SocketException {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new java.net.InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket socket = createSocket();
            socket.bind(new java.net.InetSocketAddress(localHost, localPort));
            socket.connect(new java.net.InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new java.net.InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket socket = createSocket();
            socket.bind(new java.net.InetSocketAddress(localAddress, localPort));
            socket.connect(new java.net.InetSocketAddress(address, port));
            return socket;
        }
    }
}
