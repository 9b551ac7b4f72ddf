package io.pveq.api;

import java.util.Objects;

/**
 * The answering node's Proxmox VE version ({@code GET /version}).
 *
 * @param version the pve-manager version, e.g. {@code 8.4.14}
 * @param release the point release, e.g. {@code 8.4}
 * @param repoid  the git revision it was built from
 */
public record PveVersion(String version, String release, String repoid) {

    /** Validates. */
    public PveVersion {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(repoid, "repoid");
    }

    /** @return the major version, e.g. 8 or 9; 0 when the release text has none */
    public int major() {
        String digits = release.contains(".") ? release.substring(0, release.indexOf('.')) : release;
        try {
            return Integer.parseInt(digits.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
