package io.pveq.api;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the client's user or token may do. Thread-safe; every method blocks on the network. */
public interface AccessApi {

    /**
     * The caller's effective privileges ({@code GET /access/permissions}), as Proxmox computes them from
     * roles, groups, pools and, for a token with privilege separation, the token's own ACL entries.
     *
     * @param path only this ACL path (e.g. {@code /vms/101}: what holds there, inherited or not), or every path
     *             with an entry
     * @return ACL path to privilege to whether it propagates below the path
     */
    Map<String, Map<String, Boolean>> permissions(Optional<String> path);

    /**
     * @param path an ACL path, e.g. {@code /storage/local}
     * @return the privileges the caller holds there
     */
    default Set<String> privileges(String path) {
        return Set.copyOf(permissions(Optional.of(path)).getOrDefault(path, Map.of()).keySet());
    }
}
