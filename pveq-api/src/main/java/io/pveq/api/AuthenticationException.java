package io.pveq.api;

/**
 * HTTP 401: the credentials were refused (wrong password or OTP, unknown or expired token, a ticket
 * that could not be renewed). The message names the user or token id, never the secret.
 */
public class AuthenticationException extends ProxmoxApiException {

    /**
     * @param method  the HTTP method
     * @param path    the API path asked
     * @param who     the user or token id that was refused
     * @param reason  Proxmox's reason text
     */
    public AuthenticationException(String method, String path, String who, String reason) {
        super("authentication of " + who + " refused: " + method + " " + path + " answered 401 " + reason,
                method, path, 401, reason);
    }
}
