package io.pveq.images.internal;

import java.util.Locale;
import java.util.Objects;

/**
 * A checksum an upstream publishes for one file.
 *
 * @param algorithm the JDK digest name: {@code SHA-256} or {@code SHA-512}
 * @param hex       lower-case hex
 */
public record ExpectedChecksum(String algorithm, String hex) {

    /** Validates and lower-cases. */
    public ExpectedChecksum {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        hex = hex.toLowerCase(Locale.ROOT);
        int want = switch (algorithm) {
            case "SHA-256" -> 64;
            case "SHA-512" -> 128;
            default -> throw new IllegalArgumentException("unsupported checksum algorithm " + algorithm);
        };
        if (hex.length() != want || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException(algorithm + " must be " + want + " hex digits");
        }
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
