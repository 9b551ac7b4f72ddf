package io.pveq.api;

/**
 * The server showed a certificate other than the pinned one ({@link TlsTrust#pinned(String)}): either
 * the node's certificate was renewed, or someone is in the middle. Nothing was sent. Check the
 * fingerprint on the node ({@code pvenode cert info}) before pinning the new one.
 */
public class CertificateMismatchException extends ApiTlsException {

    private final String expected;
    private final String seen;

    /**
     * @param host     the host connected to
     * @param expected the pinned SHA-256 fingerprint
     * @param seen     the fingerprint of the certificate the server showed
     */
    public CertificateMismatchException(String host, String expected, String seen) {
        super(host, "the TLS certificate of " + host + " does not match the pinned fingerprint: expected SHA-256 "
                + expected + ", seen " + seen, null);
        this.expected = expected;
        this.seen = seen;
    }

    /** @return the pinned fingerprint */
    public String expected() {
        return expected;
    }

    /** @return the fingerprint the server showed */
    public String seen() {
        return seen;
    }
}
