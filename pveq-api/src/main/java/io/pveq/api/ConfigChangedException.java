package io.pveq.api;

/**
 * An update carrying a {@code digest} was refused because the VM's configuration changed since that
 * digest was read ({@code detected modified configuration - file changed by other user? Try again.}).
 * Nothing was changed: read the config again, re-apply the change, send it with the new digest.
 */
public class ConfigChangedException extends ProxmoxApiException {

    /**
     * @param method the HTTP method
     * @param path   the API path asked
     * @param status the HTTP status
     * @param reason Proxmox's reason text
     */
    public ConfigChangedException(String method, String path, int status, String reason) {
        super("the configuration changed since its digest was read (" + method + " " + path + "): " + reason
                + "; read it again and re-apply the change", method, path, status, reason);
    }
}
