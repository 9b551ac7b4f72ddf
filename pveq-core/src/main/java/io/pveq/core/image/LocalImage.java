package io.pveq.core.image;

import io.pveq.core.OsRelease;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A verified image in the local cache.
 *
 * @param release   the OS release
 * @param file      the cached file; do not modify or delete it
 * @param sha256Hex SHA-256 of its content, lower-case hex (the cache key)
 * @param sizeBytes its size
 * @param cacheHit  true when no download was needed
 */
public record LocalImage(OsRelease release, Path file, String sha256Hex, long sizeBytes, boolean cacheHit) {

    /** Validates. */
    public LocalImage {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256Hex must be 64 lower-case hex digits");
        }
    }
}
