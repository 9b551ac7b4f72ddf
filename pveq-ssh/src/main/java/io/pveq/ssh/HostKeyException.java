package io.pveq.ssh;

import io.pveq.core.transport.TransportException;
import java.util.List;

/**
 * A server's host key was refused: it is unknown to the policy, or it differs from the recorded key
 * (possibly an impersonation). No credential was sent. Fix by checking the fingerprint out of band and
 * updating known_hosts or the pinned fingerprint.
 */
public final class HostKeyException extends TransportException {

    private final String host;
    private final int port;
    private final String offeredFingerprint;
    private final List<String> expectedFingerprints;

    /**
     * @param host                 the host as connected to
     * @param port                 its port
     * @param offeredFingerprint   the key the server showed, {@code SHA256:...}
     * @param expectedFingerprints the keys on record for it; empty when the host is unknown
     */
    public HostKeyException(String host, int port, String offeredFingerprint, List<String> expectedFingerprints) {
        super(message(host, port, offeredFingerprint, expectedFingerprints));
        this.host = host;
        this.port = port;
        this.offeredFingerprint = offeredFingerprint;
        this.expectedFingerprints = List.copyOf(expectedFingerprints);
    }

    private static String message(String host, int port, String offered, List<String> expected) {
        if (expected.isEmpty()) {
            return "host key of " + host + ":" + port + " is not trusted (unknown host): it offered " + offered
                    + "; add it to known_hosts or pin it after checking it out of band";
        }
        return "HOST KEY CHANGED for " + host + ":" + port + ": it offered " + offered + " but " + expected
                + " is on record; refusing to connect (someone may be impersonating the host)";
    }

    /** @return the host as connected to */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the fingerprint of the key the server offered, {@code SHA256:...} */
    public String offeredFingerprint() {
        return offeredFingerprint;
    }

    /** @return fingerprints on record for the host; empty when it was unknown */
    public List<String> expectedFingerprints() {
        return expectedFingerprints;
    }

    /** @return true when a different key was on record (rather than none) */
    public boolean keyChanged() {
        return !expectedFingerprints.isEmpty();
    }
}
