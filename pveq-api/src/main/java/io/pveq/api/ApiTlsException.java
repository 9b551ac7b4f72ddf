package io.pveq.api;

import io.pveq.core.PveqException;

/**
 * The TLS handshake failed: the server's certificate is not trusted under the client's {@link TlsTrust},
 * or does not name the host. Never retried. See {@link CertificateMismatchException} for a pinned
 * certificate that changed.
 */
public class ApiTlsException extends PveqException {

    private final String host;

    /**
     * @param host    the host connected to
     * @param message what failed, for people
     * @param cause   the TLS failure, may be null
     */
    public ApiTlsException(String host, String message, Throwable cause) {
        super(message, cause);
        this.host = host;
    }

    /** @return the host connected to */
    public String host() {
        return host;
    }
}
