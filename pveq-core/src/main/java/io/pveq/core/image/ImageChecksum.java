package io.pveq.core.image;

import io.pveq.core.InvalidSpecException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The checksum a distribution publishes for an image ({@code SHA512SUMS}, {@code SHA256SUMS},
 * {@code CHECKSUM}): what a node verifies an image against when it downloads the image itself.
 *
 * @param algorithm as Proxmox names it: {@code md5}, {@code sha1}, {@code sha224}, {@code sha256},
 *                  {@code sha384} or {@code sha512}
 * @param hex       the digest, lower-case hex
 */
public record ImageChecksum(String algorithm, String hex) {

    private static final Set<String> ALGORITHMS = Set.of("md5", "sha1", "sha224", "sha256", "sha384", "sha512");

    /** Validates and normalises ({@code SHA-512} becomes {@code sha512}). */
    public ImageChecksum {
        Objects.requireNonNull(algorithm, "algorithm");
        algorithm = algorithm.replace("-", "").toLowerCase(Locale.ROOT);
        if (!ALGORITHMS.contains(algorithm)) {
            throw new InvalidSpecException("checksum", "algorithm must be one of " + ALGORITHMS + ", got '"
                    + InvalidSpecException.shorten(algorithm) + "'");
        }
        hex = Objects.requireNonNull(hex, "hex").strip().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{32,128}")) {
            throw new InvalidSpecException("checksum", "must be a hex digest, got '" + InvalidSpecException.shorten(hex) + "'");
        }
    }

    /** @return a SHA-256 checksum */
    public static ImageChecksum sha256(String hex) {
        return new ImageChecksum("sha256", hex);
    }
}
