package io.pveq.ssh.internal;

import io.pveq.core.transport.TransportException;

/** The server refused every credential offered. */
public final class SshAuthException extends TransportException {

    /**
     * @param message names the user and host, never a secret
     * @param cause   sshj's failure
     */
    public SshAuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
