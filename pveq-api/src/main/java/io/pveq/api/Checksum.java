package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import java.util.Locale;
import java.util.Objects;

/**
 * An expected checksum of a file.
 *
 * @param algorithm the algorithm
 * @param hex       the digest in hex (lower-cased)
 */
public record Checksum(ChecksumAlgorithm algorithm, String hex) {

    /** Validates and normalises. */
    public Checksum {
        Objects.requireNonNull(algorithm, "algorithm");
        hex = Objects.requireNonNull(hex, "hex").strip().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{32,128}")) {
            throw new InvalidSpecException("checksum", "must be a hex digest, got '" + InvalidSpecException.shorten(hex) + "'");
        }
    }

    /** @return a SHA-256 checksum */
    public static Checksum sha256(String hex) {
        return new Checksum(ChecksumAlgorithm.SHA256, hex);
    }
}
