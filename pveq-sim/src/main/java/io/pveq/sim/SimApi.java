package io.pveq.sim;

import io.pveq.core.NodeName;
import io.pveq.sim.internal.api.ApiServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The simulated cluster's Proxmox VE REST API: HTTPS on a loopback address, {@code /api2/json/...}
 * as the release's schema describes it, over the same state the simulated {@code qm}/{@code pvesh}
 * answer from. The server presents a node certificate ({@code pve-ssl.pem}) signed by the cluster's
 * own CA ({@code pve-root-ca.pem}); clients either trust {@link #caCertificate()} or pin
 * {@link #fingerprint()}. Get it from {@link SimulatedCluster#api()} after
 * {@link SimulatedCluster.Builder#api()}; it stops with the cluster. Thread-safe.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.builder().api().build()) {
 *     SimApi api = cluster.api();
 *     // curl --cacert api.caCertificate() -H "Authorization: PVEAPIToken=" + api.rootToken() api.url() + "/api2/json/version"
 * }
 * }</pre>
 */
public final class SimApi {

    /**
     * How the API face is served.
     *
     * @param bindAddress      a loopback address to listen on (default {@code 127.0.0.1})
     * @param port             the port; 0 (default) picks a free one
     * @param node             the node whose {@code pveproxy} answers (default: the first node); requests
     *                         for other nodes are proxied through it, as on a real cluster
     * @param authFailureDelay how long a 401 is held back (Proxmox: 3 s), scaled by the speed factor and
     *                         on virtual time advancing the clock instead of sleeping
     * @param hiddenTaskPolls  how many status or log requests of a new task answer 400 {@code no such task}
     *                         before it becomes visible (a real node's brief window; default 0)
     * @param observer         sees every exchange (conformance checks in tests)
     */
    public record Options(String bindAddress, int port, Optional<NodeName> node, Duration authFailureDelay,
                          int hiddenTaskPolls, Optional<SimApiObserver> observer) {

        /** Validates: the address must be loopback, the port 0..65535. */
        public Options {
            Objects.requireNonNull(bindAddress, "bindAddress");
            try {
                if (!InetAddress.getByName(bindAddress).isLoopbackAddress()) {
                    throw new IllegalArgumentException("the simulator's API listens on loopback only, got "
                            + bindAddress);
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address: " + bindAddress, e);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(authFailureDelay, "authFailureDelay");
            if (authFailureDelay.isNegative()) {
                throw new IllegalArgumentException("authFailureDelay must not be negative");
            }
            if (hiddenTaskPolls < 0) {
                throw new IllegalArgumentException("hiddenTaskPolls must not be negative");
            }
            Objects.requireNonNull(observer, "observer");
        }

        /** @return 127.0.0.1, a free port, the first node, 3 s auth delay, tasks visible at once, no observer */
        public static Options defaults() {
            return new Options("127.0.0.1", 0, Optional.empty(), Duration.ofSeconds(3), 0, Optional.empty());
        }

        /** @return these options listening on {@code address} (loopback) */
        public Options withBindAddress(String address) {
            return new Options(address, port, node, authFailureDelay, hiddenTaskPolls, observer);
        }

        /** @return these options listening on {@code number} (0: a free port) */
        public Options withPort(int number) {
            return new Options(bindAddress, number, node, authFailureDelay, hiddenTaskPolls, observer);
        }

        /** @return these options served by {@code serving}'s pveproxy */
        public Options withNode(NodeName serving) {
            return new Options(bindAddress, port, Optional.of(serving), authFailureDelay, hiddenTaskPolls, observer);
        }

        /** @return these options holding back a 401 for {@code nominal} */
        public Options withAuthFailureDelay(Duration nominal) {
            return new Options(bindAddress, port, node, nominal, hiddenTaskPolls, observer);
        }

        /** @return these options hiding each new task from its first {@code polls} status/log requests */
        public Options withHiddenTaskPolls(int polls) {
            return new Options(bindAddress, port, node, authFailureDelay, polls, observer);
        }

        /** @return these options reporting every exchange to {@code exchangeObserver} */
        public Options withObserver(SimApiObserver exchangeObserver) {
            return new Options(bindAddress, port, node, authFailureDelay, hiddenTaskPolls,
                    Optional.of(exchangeObserver));
        }
    }

    private final ApiServer server;

    SimApi(ApiServer server) {
        this.server = server;
    }

    /** @return {@code https://ADDRESS:PORT} (the API is below {@code /api2/json}) */
    public URI url() {
        return server.url();
    }

    /** @return the SHA-256 fingerprint of the node certificate, {@code AB:CD:...:EF}, as Proxmox shows it */
    public String fingerprint() {
        return server.fingerprint();
    }

    /**
     * @return curl's {@code --pinnedpubkey} form of the node certificate's key:
     *         {@code sha256//BASE64}
     */
    public String publicKeyPin() {
        return server.publicKeyPin();
    }

    /** @return the cluster CA certificate ({@code pve-root-ca.pem}) as a PEM file */
    public Path caCertificate() {
        return server.caFile();
    }

    /**
     * @return a client TLS context trusting the cluster CA and nothing else (for the JDK's
     *         {@code HttpClient} or {@code HttpsURLConnection}); host names are still checked
     */
    public javax.net.ssl.SSLContext trustingSslContext() {
        return server.trustingSslContext();
    }

    /** @return the cluster CA certificate as PEM text */
    public String caCertificatePem() {
        return server.caPem();
    }

    /**
     * @return {@code root@pam!pveq=<uuid>}: a token of {@code root@pam} without privilege separation
     *         (all privileges, but not {@code root@pam} itself for root-only parameters)
     */
    public String rootToken() {
        return server.rootToken();
    }

    /** @return the node whose {@code pveproxy} this is */
    public NodeName node() {
        return NodeName.of(server.node());
    }

    void close() {
        server.close();
    }
}
