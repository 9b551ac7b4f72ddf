package io.pveq.api;

import java.util.Optional;

/**
 * HTTP 403: the token or user lacks a privilege, e.g. {@code Permission check failed (/vms/101,
 * VM.Allocate)}, or the request needs {@code root@pam} itself ({@code Only root can pass arbitrary
 * filesystem paths}). {@link #aclPath()} and {@link #privilege()} name what to grant when Proxmox said.
 */
public class PermissionDeniedException extends ProxmoxApiException {

    private final String aclPath;
    private final String privilege;

    /**
     * @param method    the HTTP method
     * @param path      the API path asked
     * @param reason    Proxmox's reason text
     * @param aclPath   the ACL path checked, e.g. {@code /vms/101}; null when not named
     * @param privilege the privilege missing, e.g. {@code VM.Allocate}; null when not named
     */
    public PermissionDeniedException(String method, String path, String reason, String aclPath, String privilege) {
        super(aclPath != null && privilege != null
                ? "permission denied: " + method + " " + path + " needs " + privilege + " on " + aclPath
                : "permission denied: " + method + " " + path + ": " + reason, method, path, 403, reason);
        this.aclPath = aclPath;
        this.privilege = privilege;
    }

    /** @return the ACL path Proxmox checked, e.g. {@code /vms/101}, when it said */
    public Optional<String> aclPath() {
        return Optional.ofNullable(aclPath);
    }

    /** @return the missing privilege, e.g. {@code VM.Allocate}, when Proxmox said */
    public Optional<String> privilege() {
        return Optional.ofNullable(privilege);
    }
}
