package io.pveq.sim.internal.api;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The simulated cluster's PKI, as a fresh Proxmox VE cluster has it: a cluster CA
 * ({@code pve-root-ca.pem}, subject {@code CN=Proxmox Virtual Environment, OU=<id>, O=PVE Cloud
 * Infrastructure Creator}, 10 years) signing one certificate per node ({@code pve-ssl.pem}, subject
 * {@code OU=PVE Cluster Node, O=Proxmox Virtual Environment, CN=<node>.local}, 2 years, the node's
 * names and addresses as subject alternative names). Written with the JDK alone: a DER writer and
 * {@link Signature}; no BouncyCastle on the class path of the tests that embed the simulator. Keys
 * are ECDSA P-256 (about a millisecond to make, against 100-800 ms for RSA-2048 on a small machine;
 * every TLS client in use accepts them). Validity follows the real clock, since TLS clients check
 * it against theirs, whatever the simulated clock says.
 */
public final class Certificates {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final String SIGNATURE_OID = "1.2.840.10045.4.3.2";
    private static final String CN = "2.5.4.3";
    private static final String OU = "2.5.4.11";
    private static final String O = "2.5.4.10";

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        /** @return the certificate as PEM */
        public String certificatePem() {
            return pem("CERTIFICATE", encoded(certificate));
        }

        /** @return the key as PKCS#8 PEM */
        public String keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }
    }

    private Certificates() {
    }

    /** @return a new cluster CA, {@code OU} set to {@code clusterId} */
    public static Issued authority(String clusterId) {
        KeyPair pair = keyPair();
        byte[] name = name(List.of(new String[] {CN, "Proxmox Virtual Environment"}, new String[] {OU, clusterId},
                new String[] {O, "PVE Cloud Infrastructure Creator"}));
        byte[] ski = keyId(pair.getPublic());
        byte[] extensions = Der.sequence(
                extension("2.5.29.19", true, Der.sequence(Der.bool(true))),
                extension("2.5.29.15", true, Der.namedBits(5, 6)),
                extension("2.5.29.14", false, Der.octetString(ski)));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
        X509Certificate cert = sign(name, name, pair.getPublic(), pair.getPrivate(), now.minusDays(1),
                now.plusYears(10), extensions);
        return new Issued(cert, pair.getPrivate());
    }

    /**
     * @param ca        the cluster CA
     * @param node      the node name
     * @param addresses IP addresses the node answers on (subject alternative names)
     * @return a node certificate signed by {@code ca}
     */
    public static Issued node(Issued ca, String node, List<String> addresses) {
        KeyPair pair = keyPair();
        byte[] subject = name(List.of(new String[] {OU, "PVE Cluster Node"},
                new String[] {O, "Proxmox Virtual Environment"}, new String[] {CN, node + ".local"}));
        List<byte[]> sans = new ArrayList<>();
        for (String dns : List.of("localhost", node, node + ".local")) {
            sans.add(Der.implicitPrimitive(2, dns.getBytes(StandardCharsets.US_ASCII)));
        }
        for (String address : addresses) {
            sans.add(Der.implicitPrimitive(7, ipBytes(address)));
        }
        byte[] extensions = Der.sequence(
                extension("2.5.29.19", false, Der.sequence()),
                extension("2.5.29.15", true, Der.namedBits(0, 4)),
                extension("2.5.29.37", false, Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1"))),
                extension("2.5.29.17", false, Der.sequence(sans.toArray(byte[][]::new))),
                extension("2.5.29.14", false, Der.octetString(keyId(pair.getPublic()))),
                extension("2.5.29.35", false, Der.sequence(Der.implicitPrimitive(0, keyId(ca.certificate().getPublicKey())))));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
        byte[] issuer = ca.certificate().getSubjectX500Principal().getEncoded();
        X509Certificate cert = sign(subject, issuer, pair.getPublic(), ca.key(), now.minusDays(1), now.plusYears(2),
                extensions);
        return new Issued(cert, pair.getPrivate());
    }

    /** @return the SHA-256 fingerprint of the DER certificate as Proxmox shows it: {@code AB:CD:...} */
    public static String fingerprint(X509Certificate certificate) {
        byte[] digest = sha256(encoded(certificate));
        StringBuilder out = new StringBuilder();
        for (byte b : digest) {
            if (out.length() > 0) {
                out.append(':');
            }
            out.append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    /** @return curl's {@code --pinnedpubkey} value: {@code sha256//} and the base64 SHA-256 of the public key */
    public static String publicKeyPin(X509Certificate certificate) {
        return "sha256//" + Base64.getEncoder().encodeToString(sha256(certificate.getPublicKey().getEncoded()));
    }

    /** @return a server TLS context presenting {@code node} with its chain up to {@code ca} */
    public static SSLContext serverContext(Issued node, X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = "pveq-sim".toCharArray();
            store.setKeyEntry("node", node.key(), password, new java.security.cert.Certificate[] {node.certificate(), ca});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS for the simulator's API: " + e.getMessage(), e);
        }
    }

    /** @return the certificate of a PEM text */
    public static X509Certificate parseCertificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored certificate is unreadable: " + e.getMessage(), e);
        }
    }

    /** @return the EC private key of a PKCS#8 PEM text */
    public static PrivateKey parseKey(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored key is unreadable: " + e.getMessage(), e);
        }
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC key support in this JDK: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(byte[] subject, byte[] issuer, PublicKey publicKey, PrivateKey signer,
                                        ZonedDateTime notBefore, ZonedDateTime notAfter, byte[] extensions) {
        byte[] algorithm = Der.sequence(Der.oid(SIGNATURE_OID));
        byte[] serial = Der.integer(new BigInteger(64, new SecureRandom()).setBit(62));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)),
                serial,
                algorithm,
                issuer,
                Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                subject,
                publicKey.getEncoded(),
                Der.explicit(3, extensions));
        try {
            Signature signature = Signature.getInstance(SIGNATURE);
            signature.initSign(signer);
            signature.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signature.sign()));
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] name(List<String[]> attributes) {
        byte[][] rdns = new byte[attributes.size()][];
        for (int i = 0; i < rdns.length; i++) {
            rdns[i] = Der.set(Der.sequence(Der.oid(attributes.get(i)[0]), Der.utf8(attributes.get(i)[1])));
        }
        return Der.sequence(rdns);
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    private static byte[] keyId(PublicKey key) {
        byte[] digest = sha1(key.getEncoded());
        return java.util.Arrays.copyOf(digest, 20);
    }

    private static byte[] ipBytes(String address) {
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + address, e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a short random hex id (the CA's OU) */
    static String randomId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).toLowerCase(Locale.ROOT);
    }
}
