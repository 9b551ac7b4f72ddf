package io.pveq.server;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the server reaches a cluster through the Proxmox VE REST API ({@code TRANSPORT=api}): no shell and no
 * SSH on any node, an API token only. Filled by {@link EnvConfig}. Immutable; {@link #toString()} hides the
 * token.
 *
 * @param url         {@code PVE_API_URL}, e.g. {@code https://pve1.lan:8006}
 * @param token       {@code PVE_API_TOKEN} ({@code USER@REALM!TOKENID=SECRET}), or the content of
 *                    {@code PVE_API_TOKEN_FILE}
 * @param fingerprint {@code PVE_API_FINGERPRINT}: the SHA-256 fingerprint of the node certificate to pin
 * @param caFile      {@code PVE_API_CA}: the cluster CA (PEM) to trust instead
 */
public record ApiConfig(URI url, Secret token, Optional<String> fingerprint, Optional<Path> caFile) {

    /** @throws InvalidSpecException naming the variable when the trust is not chosen exactly once */
    public ApiConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(caFile, "caFile");
        if (fingerprint.isPresent() == caFile.isPresent()) {
            throw new InvalidSpecException("PVE_API_FINGERPRINT", fingerprint.isPresent()
                    ? "cannot be combined with PVE_API_CA: trust either the pinned certificate or the CA"
                    : "or PVE_API_CA is required with TRANSPORT=api: the node certificate's SHA-256 fingerprint"
                    + " (pvenode cert info) or the cluster CA file (/etc/pve/pve-root-ca.pem)");
        }
    }

    @Override
    public String toString() {
        return "ApiConfig[" + url + ", token ******, " + fingerprint.map(f -> "pinned " + f)
                .orElseGet(() -> "CA " + caFile.orElseThrow()) + "]";
    }
}
