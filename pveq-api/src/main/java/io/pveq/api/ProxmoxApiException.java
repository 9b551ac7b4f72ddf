package io.pveq.api;

import io.pveq.core.PveqException;
import java.util.Objects;

/**
 * Proxmox answered a request with an error that pveq has no more specific exception for (the specific
 * ones: {@link io.pveq.core.VmNotFoundException}, {@link io.pveq.core.VmExistsException},
 * {@link io.pveq.core.LockTimeoutException}, {@link io.pveq.core.VmLockedException},
 * {@link io.pveq.core.VmStateException}, {@link io.pveq.core.StorageException},
 * {@link io.pveq.core.NodeUnavailableException}, {@link io.pveq.core.ClusterUnavailableException},
 * {@link ApiParameterException}, {@link PermissionDeniedException}, {@link AuthenticationException}).
 * Carries the request line and the HTTP status and reason, never a secret.
 */
public class ProxmoxApiException extends PveqException {

    private final String method;
    private final String path;
    private final int status;
    private final String reason;

    /**
     * @param method the HTTP method
     * @param path   the API path asked, e.g. {@code /nodes/pve1/qemu/101/status/start}
     * @param status the HTTP status
     * @param reason Proxmox's reason text
     */
    public ProxmoxApiException(String method, String path, int status, String reason) {
        this(method + " " + path + " failed: " + status + " " + reason, method, path, status, reason);
    }

    /**
     * @param message the message, for people
     * @param method  the HTTP method
     * @param path    the API path asked
     * @param status  the HTTP status
     * @param reason  Proxmox's reason text
     */
    protected ProxmoxApiException(String message, String method, String path, int status, String reason) {
        super(message);
        this.method = Objects.requireNonNull(method, "method");
        this.path = Objects.requireNonNull(path, "path");
        this.status = status;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return the HTTP method of the failed request */
    public String method() {
        return method;
    }

    /** @return the API path of the failed request (below {@code /api2/json}) */
    public String path() {
        return path;
    }

    /** @return the HTTP status Proxmox answered */
    public int status() {
        return status;
    }

    /** @return Proxmox's reason text */
    public String reason() {
        return reason;
    }
}
