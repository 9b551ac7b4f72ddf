package io.pveq.api;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Which server certificates the client accepts. Chosen explicitly on every client: there is no
 * default. A fresh Proxmox node serves {@code pve-ssl.pem}, signed by its cluster's own CA
 * ({@code /etc/pve/pve-root-ca.pem}), so the safe choices are that CA file or the node certificate's
 * SHA-256 fingerprint (shown in the web UI under the node's Certificates, and by
 * {@code pvenode cert info}); the system CAs fit a node with a certificate from a public CA (ACME).
 * Trusting everything must be spelled out ({@link #insecure()}). Immutable and thread-safe.
 */
public sealed interface TlsTrust permits TlsTrust.SystemCas, TlsTrust.CaFile, TlsTrust.Pinned, TlsTrust.Insecure {

    /** @return trust the JVM's default CAs, with host name verification */
    static TlsTrust systemCas() {
        return new SystemCas();
    }

    /**
     * @param pemFile a PEM file with one or more CA certificates, e.g. a copy of {@code pve-root-ca.pem}
     * @return trust certificates issued by those CAs, with host name verification (the node certificate
     *         names the node's host name and addresses)
     */
    static TlsTrust caFile(Path pemFile) {
        return new CaFile(pemFile);
    }

    /**
     * Accepts exactly one certificate, whoever issued it and whatever names it holds: the one whose
     * DER encoding has this SHA-256 digest. Another certificate fails the connection with
     * {@link CertificateMismatchException} naming the host, the expected and the seen fingerprint.
     *
     * @param sha256Fingerprint 64 hex digits, with or without colons, any case, e.g. {@code AB:CD:...:EF}
     *                          as Proxmox shows it
     * @return the pinned trust
     * @throws IllegalArgumentException when the text is not a SHA-256 fingerprint
     */
    static TlsTrust pinned(String sha256Fingerprint) {
        return new Pinned(sha256Fingerprint);
    }

    /**
     * Accepts any certificate for any host name: anyone on the network path can read the token and
     * impersonate the cluster. For throw-away labs only; each client logs a warning naming the
     * certificate it accepted.
     *
     * @return the insecure trust
     */
    static TlsTrust insecure() {
        return new Insecure();
    }

    /** The JVM's default CAs. */
    record SystemCas() implements TlsTrust {
    }

    /**
     * CA certificates from a PEM file, read when the client is built.
     *
     * @param pemFile the file
     */
    record CaFile(Path pemFile) implements TlsTrust {
        /** Validates. */
        public CaFile {
            Objects.requireNonNull(pemFile, "pemFile");
        }
    }

    /**
     * One certificate, by SHA-256 fingerprint.
     *
     * @param fingerprint normalised to upper-case hex pairs joined by colons ({@code AB:CD:...})
     */
    record Pinned(String fingerprint) implements TlsTrust {
        /** Validates and normalises. */
        public Pinned {
            fingerprint = normalise(Objects.requireNonNull(fingerprint, "fingerprint"));
        }

        /**
         * @param text a SHA-256 fingerprint with or without colons
         * @return upper-case hex pairs joined by colons
         * @throws IllegalArgumentException when not 32 bytes of hex
         */
        public static String normalise(String text) {
            String hex = text.strip().replace(":", "").toUpperCase(Locale.ROOT);
            if (!hex.matches("[0-9A-F]{64}")) {
                throw new IllegalArgumentException("a pinned certificate fingerprint is 32 bytes of hex (SHA-256),"
                        + " e.g. AB:CD:..., got '" + (text.length() > 120 ? text.substring(0, 120) + "..." : text) + "'");
            }
            return format(HexFormat.of().parseHex(hex));
        }

        /**
         * @param digest a SHA-256 digest
         * @return the digest as Proxmox shows fingerprints: upper-case hex pairs joined by colons
         */
        public static String format(byte[] digest) {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        }
    }

    /** Everything; see {@link #insecure()}. */
    record Insecure() implements TlsTrust {
    }
}
