package io.pveq.api;

/**
 * The guest agent of a VM does not answer: {@code QEMU guest agent is not running}, or the agent timed
 * out. Normal while the guest boots; poll again later.
 */
public class GuestAgentUnavailableException extends ProxmoxApiException {

    /**
     * @param method the HTTP method
     * @param path   the API path asked
     * @param status the HTTP status
     * @param reason Proxmox's reason text
     */
    public GuestAgentUnavailableException(String method, String path, int status, String reason) {
        super("the guest agent does not answer (" + method + " " + path + "): " + reason, method, path, status, reason);
    }
}
