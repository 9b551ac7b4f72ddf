package io.pveq.sim.internal.api;

import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimApiObserver;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.state.AccessState;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The simulator's REST API face: a node's {@code pveproxy} on a loopback address, with the cluster's
 * PKI (made once and kept in the cluster state), the root token, and the request pipeline
 * ({@link RequestPipeline}) over the endpoints of {@link ApiRoutes}. Thread-safe; {@link #close()}
 * stops listening, drops open connections and interrupts running tasks.
 */
public final class ApiServer implements AutoCloseable {

    private final String node;
    private final TlsHttpServer http;
    private final Tasks tasks;
    private final X509Certificate nodeCertificate;
    private final String caPem;
    private final Path caFile;
    private final boolean deleteCaFile;
    private final String rootToken;
    private final Path tempDir;

    /**
     * Starts serving.
     *
     * @param engine      the simulator
     * @param release     the imitated release
     * @param options     address, port, serving node, delays, observer
     * @param stateFolder the cluster's state folder, where {@code pve-root-ca.pem} is written; else a temporary file
     * @param observer    sees every exchange (from the options, or a test harness's), if any
     * @throws UncheckedIOException when the address cannot be bound
     */
    public ApiServer(Engine engine, PveRelease release, SimApi.Options options, Optional<Path> stateFolder,
                     Optional<SimApiObserver> observer) {
        List<String> nodes = engine.store().read(state -> state.nodes.stream().map(n -> n.name).toList());
        this.node = options.node().map(n -> n.value()).orElse(nodes.get(0));
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException("the simulated cluster has no node '" + node + "' to serve the API");
        }
        String[] material = engine.store().write(state -> initialise(state, options.bindAddress()));
        this.caPem = material[0];
        this.nodeCertificate = Certificates.parseCertificate(material[1]);
        this.rootToken = material[3];
        try {
            this.tempDir = Files.createTempDirectory("pveq-sim-api");
            if (stateFolder.isPresent()) {
                this.caFile = stateFolder.get().resolve("pve-root-ca.pem");
                Files.writeString(caFile, caPem, StandardCharsets.US_ASCII);
                this.deleteCaFile = false;
            } else {
                this.caFile = Files.createTempFile(tempDir, "pve-root-ca", ".pem");
                Files.writeString(caFile, caPem, StandardCharsets.US_ASCII);
                this.deleteCaFile = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulator's CA certificate: " + e.getMessage(), e);
        }
        Certificates.Issued issued = new Certificates.Issued(nodeCertificate, Certificates.parseKey(material[2]));
        this.tasks = new Tasks(engine, options.hiddenTaskPolls());
        ApiContext context = new ApiContext(engine, new Access(release.major()), tasks, ApiFacts.of(release), node,
                release, tempDir, new GuestRoutes.Agents(), new ApiContext.Rendered());
        RequestPipeline pipeline = new RequestPipeline(context, new Router(ApiRoutes.all(context)), options, observer);
        this.http = new TlsHttpServer(new InetSocketAddress(options.bindAddress(), options.port()),
                Certificates.serverContext(issued, Certificates.parseCertificate(caPem)), pipeline::handle,
                engine.time().clock());
    }

    /**
     * Makes what a cluster has from its first boot when missing: the ticket key, root's token, the
     * CA and each node's certificate (re-issued when it does not name {@code bindAddress}).
     *
     * @return CA PEM, serving node certificate PEM, its key PEM, the root token
     */
    private String[] initialise(ClusterState state, String bindAddress) {
        AccessState access = state.access;
        SecureRandom random = new SecureRandom();
        if (access.ticketKey.isEmpty()) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            access.ticketKey = Base64.getEncoder().encodeToString(key);
        }
        AccessState.User root = access.users.computeIfAbsent(Access.ROOT, id -> {
            AccessState.User user = new AccessState.User();
            user.userid = id;
            return user;
        });
        if (access.rootTokenSecret.isEmpty() || !root.tokens.containsKey(access.rootTokenId)) {
            access.rootTokenSecret = UUID.randomUUID().toString();
            AccessState.Token token = new AccessState.Token();
            token.id = access.rootTokenId;
            token.secretHash = Access.hash(access.rootTokenSecret);
            token.privsep = false;
            root.tokens.put(token.id, token);
        }
        AccessState.Pki pki = access.pki;
        Certificates.Issued ca;
        if (pki.caCertificate.isEmpty()) {
            ca = Certificates.authority(Certificates.randomId());
            pki.caCertificate = ca.certificatePem();
            pki.caKey = ca.keyPem();
            pki.nodes.clear();
        } else {
            ca = new Certificates.Issued(Certificates.parseCertificate(pki.caCertificate),
                    Certificates.parseKey(pki.caKey));
        }
        for (NodeState n : state.nodes) {
            List<String> addresses = new ArrayList<>(List.of("127.0.0.1", "::1", n.address));
            if (n.name.equals(node) && !addresses.contains(bindAddress)) {
                addresses.add(bindAddress);
            }
            AccessState.NodeCertificate existing = pki.nodes.get(n.name);
            if (existing == null || (n.name.equals(node) && !names(existing.certificate, bindAddress))) {
                Certificates.Issued issued = Certificates.node(ca, n.name, addresses);
                AccessState.NodeCertificate made = new AccessState.NodeCertificate();
                made.certificate = issued.certificatePem();
                made.key = issued.keyPem();
                pki.nodes.put(n.name, made);
            }
        }
        AccessState.NodeCertificate serving = pki.nodes.get(node);
        return new String[] {pki.caCertificate, serving.certificate, serving.key,
                Access.ROOT + "!" + access.rootTokenId + "=" + access.rootTokenSecret};
    }

    /** @return true when the certificate lists {@code address} among its IP subject alternative names */
    private static boolean names(String certificatePem, String address) {
        try {
            Collection<List<?>> names = Certificates.parseCertificate(certificatePem).getSubjectAlternativeNames();
            if (names == null) {
                return false;
            }
            byte[] wanted = InetAddress.getByName(address).getAddress();
            for (List<?> name : names) {
                if (Integer.valueOf(7).equals(name.get(0))
                        && java.util.Arrays.equals(InetAddress.getByName(String.valueOf(name.get(1))).getAddress(), wanted)) {
                    return true;
                }
            }
            return false;
        } catch (CertificateParsingException | IOException e) {
            return false;
        }
    }

    /** @return {@code https://address:port} */
    public URI url() {
        InetSocketAddress bound = http.address();
        String host = bound.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("https://" + host + ":" + bound.getPort());
    }

    public String fingerprint() {
        return Certificates.fingerprint(nodeCertificate);
    }

    public String publicKeyPin() {
        return Certificates.publicKeyPin(nodeCertificate);
    }

    public Path caFile() {
        return caFile;
    }

    public String caPem() {
        return caPem;
    }

    /** @return a client TLS context trusting only the cluster CA */
    public javax.net.ssl.SSLContext trustingSslContext() {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("pve-root-ca", Certificates.parseCertificate(caPem));
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a TLS context trusting the cluster CA: " + e.getMessage(), e);
        }
    }

    public String rootToken() {
        return rootToken;
    }

    public String node() {
        return node;
    }

    @Override
    public void close() {
        http.close();
        tasks.close();
        try {
            if (deleteCaFile) {
                Files.deleteIfExists(caFile);
            }
            try (var files = Files.list(tempDir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(tempDir);
        } catch (IOException e) {
            // temporary files only
        }
    }
}
