package io.pveq.api.internal;

import io.pveq.api.TlsTrust;
import io.pveq.core.PveqException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.internal.tls.OkHostnameVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link TlsTrust} to an OkHttp client: the trust manager, and host name verification where
 * it means something (not for a pinned certificate, which is identified exactly, nor for
 * {@link TlsTrust#insecure()}). Stateless.
 */
final class TlsSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TlsSetup.class);

    private TlsSetup() {
    }

    static void apply(OkHttpClient.Builder builder, TlsTrust trust, String host) {
        X509TrustManager manager;
        HostnameVerifier verifier = OkHostnameVerifier.INSTANCE;
        if (trust instanceof TlsTrust.SystemCas) {
            manager = fromKeyStore(null);
        } else if (trust instanceof TlsTrust.CaFile caFile) {
            manager = fromKeyStore(readCaFile(caFile));
        } else if (trust instanceof TlsTrust.Pinned pinned) {
            manager = new PinnedTrustManager(host, pinned.fingerprint());
            verifier = (hostname, session) -> true; // the pin names the one certificate accepted
        } else {
            manager = new AnyTrustManager(host);
            verifier = (hostname, session) -> true;
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, null);
            SSLSocketFactory factory = context.getSocketFactory();
            builder.sslSocketFactory(factory, manager).hostnameVerifier(verifier);
        } catch (GeneralSecurityException e) {
            throw new PveqException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore readCaFile(TlsTrust.CaFile caFile) {
        try (InputStream in = Files.newInputStream(caFile.pemFile())) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new PveqException("the CA file " + caFile.pemFile() + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            return store;
        } catch (IOException e) {
            throw new PveqException("cannot read the CA file " + caFile.pemFile() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PveqException("the CA file " + caFile.pemFile() + " is not a PEM certificate file: "
                    + e.getMessage(), e);
        }
    }

    private static X509TrustManager fromKeyStore(KeyStore store) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new PveqException("the JVM offers no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new PveqException("cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    /** @return the SHA-256 fingerprint of a certificate as Proxmox shows it */
    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return TlsTrust.Pinned.format(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** A server certificate other than the pinned one; turned into the public exception by the caller. */
    static final class PinMismatch extends CertificateException {
        private static final long serialVersionUID = 1L;
        final String host;
        final String expected;
        final String seen;

        PinMismatch(String host, String expected, String seen) {
            super("certificate of " + host + " does not match the pin: expected " + expected + ", seen " + seen);
            this.host = host;
            this.expected = expected;
            this.seen = seen;
        }
    }

    /** A trust manager of a client: it judges servers only. */
    private abstract static class ServerTrustManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Accepts exactly the certificate with the pinned SHA-256 fingerprint as the server's own. */
    private static final class PinnedTrustManager extends ServerTrustManager {
        private final String host;
        private final String pin;

        PinnedTrustManager(String host, String pin) {
            this.host = host;
            this.pin = pin;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server " + host + " showed no certificate");
            }
            String seen = fingerprint(chain[0]);
            if (!MessageDigest.isEqual(seen.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    pin.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new PinMismatch(host, pin, seen);
            }
        }
    }

    /** Accepts anything, warning once per client. */
    private static final class AnyTrustManager extends ServerTrustManager {
        private final String host;
        private final AtomicBoolean warned = new AtomicBoolean();

        AnyTrustManager(String host) {
            this.host = host;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            if (chain != null && chain.length > 0 && warned.compareAndSet(false, true)) {
                LOG.warn("TLS verification is OFF (TlsTrust.insecure()): accepted the certificate of {} with SHA-256 {}"
                        + " unchecked; pin it with TlsTrust.pinned(...) instead", host, fingerprint(chain[0]));
            }
        }
    }
}
