package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS trust against a real TLS peer on loopback whose certificate is made like a Proxmox node's. */
class TlsTrustTest {

    private static TlsPeer peer;

    @BeforeAll
    static void start() throws Exception {
        peer = new TlsPeer();
    }

    @AfterAll
    static void stop() {
        peer.close();
    }

    private static ProxmoxApi client(String url, TlsTrust trust) {
        return ProxmoxApi.builder().url(url).token("root@pam!pveq=5f0c8f6e-3c1b-4cde-9d7a-0a1b2c3d4e5f").trust(trust)
                .retry(RetryPolicy.none()).httpClient(SchemaCheck.both().client()).build();
    }

    @Test
    void pinnedFingerprintAcceptsTheNodeCertificate() {
        try (ProxmoxApi api = client(peer.url(), TlsTrust.pinned(peer.fingerprint()))) {
            assertEquals("8.4.14", api.version().version());
            assertEquals(8, api.version().major());
        }
    }

    @Test
    void pinnedFingerprintIsReadInAnySpelling() {
        String plain = peer.fingerprint().replace(":", "").toLowerCase(Locale.ROOT);
        try (ProxmoxApi api = client(peer.url(), TlsTrust.pinned(plain))) {
            assertEquals("8.4", api.version().release());
        }
    }

    @Test
    void aChangedCertificateIsRefusedNamingHostExpectedAndSeen() {
        String other = TlsPeer.fingerprint(new HeldCertificate.Builder().commonName("impostor").build().certificate());
        try (ProxmoxApi api = client(peer.url(), TlsTrust.pinned(other))) {
            CertificateMismatchException e = assertThrows(CertificateMismatchException.class, api::version);
            assertEquals("127.0.0.1", e.host());
            assertEquals(other, e.expected());
            assertEquals(peer.fingerprint(), e.seen());
            assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().contains(other)
                    && e.getMessage().contains(peer.fingerprint()), e.getMessage());
        }
    }

    @Test
    void theClusterCaFileIsTrustedWithHostNameVerification(@TempDir Path dir) {
        Path ca = peer.caFile(dir);
        try (ProxmoxApi api = client(peer.url(), TlsTrust.caFile(ca))) {
            assertEquals("8.4.14", api.version().version());
        }
        try (ProxmoxApi api = client("https://localhost:" + peer.port(), TlsTrust.caFile(ca))) {
            assertEquals("8.4.14", api.version().version());
        }
    }

    @Test
    void anotherClustersCaIsRefused(@TempDir Path dir) throws Exception {
        HeldCertificate stranger = new HeldCertificate.Builder().certificateAuthority(0).commonName("other").build();
        Path ca = java.nio.file.Files.writeString(dir.resolve("other.pem"), stranger.certificatePem());
        try (ProxmoxApi api = client(peer.url(), TlsTrust.caFile(ca))) {
            ApiTlsException e = assertThrows(ApiTlsException.class, api::version);
            assertFalse(e instanceof CertificateMismatchException);
            assertTrue(e.getMessage().contains("127.0.0.1:" + peer.port()), e.getMessage());
        }
    }

    @Test
    void theSystemCasDoNotTrustANodesOwnCa() {
        try (ProxmoxApi api = client(peer.url(), TlsTrust.systemCas())) {
            assertInstanceOf(ApiTlsException.class, assertThrows(ApiTlsException.class, api::version));
        }
    }

    @Test
    void insecureAcceptsAnyCertificateOnlyWhenSpelledOut() {
        try (ProxmoxApi api = client(peer.url(), TlsTrust.insecure())) {
            assertEquals("8.4.14", api.version().version());
        }
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> ProxmoxApi.builder()
                .url(peer.url()).token("root@pam!pveq=5f0c8f6e-3c1b-4cde-9d7a-0a1b2c3d4e5f").build());
        assertTrue(missing.getMessage().contains("TlsTrust.pinned"), missing.getMessage());
    }

    @Test
    void aMalformedPinIsRefusedBeforeAnyConnection() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsTrust.pinned("AB:CD"));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void plainHttpIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProxmoxApi.builder().url("http://127.0.0.1:8006"));
    }
}
