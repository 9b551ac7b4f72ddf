package io.pveq.api;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A real TLS peer on loopback for the trust tests: the JDK's HTTPS server with a certificate made the
 * way a Proxmox node's is (a cluster CA signing a node certificate for {@code 127.0.0.1} and
 * {@code localhost}), answering {@code GET /api2/json/version} as Proxmox does. Ephemeral port.
 */
final class TlsPeer implements AutoCloseable {

    static final String VERSION_JSON = "{\"data\":{\"version\":\"8.4.14\",\"release\":\"8.4\",\"repoid\":\"c5b55b84\"}}";

    final HeldCertificate ca;
    final HeldCertificate node;
    private final HttpsServer server;

    TlsPeer() throws IOException {
        ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("Proxmox Virtual Environment")
                .organizationalUnit("PVE Cluster Manager CA").build();
        node = new HeldCertificate.Builder().signedBy(ca).commonName("pve1.test").addSubjectAlternativeName("127.0.0.1")
                .addSubjectAlternativeName("localhost").build();
        HandshakeCertificates certificates = new HandshakeCertificates.Builder()
                .heldCertificate(node, ca.certificate()).build();
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.sslContext()));
        server.createContext("/api2/json/version", exchange -> {
            byte[] body = VERSION_JSON.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** @return the node certificate's SHA-256 fingerprint as Proxmox shows it */
    String fingerprint() {
        return fingerprint(node.certificate());
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return TlsTrust.Pinned.format(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the CA certificate written to {@code folder} as pve-root-ca.pem */
    Path caFile(Path folder) {
        try {
            return Files.writeString(folder.resolve("pve-root-ca.pem"), ca.certificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
