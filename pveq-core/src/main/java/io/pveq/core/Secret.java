package io.pveq.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret text (a password, a token) that never shows itself: {@link #toString()} prints
 * {@code ******}, so a secret inside a record, a log line or an exception message stays hidden.
 * Only {@link #reveal()} gives the text, to the one place that must hand it on (cloud-init, the init
 * script's standard input). Immutable and thread-safe; {@link #equals} compares in constant time.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * @param value the secret text; never null, may be empty
     * @return a secret holding {@code value}
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value"));
    }

    /** @return the secret text; hand it on, never log it */
    public String reveal() {
        return value;
    }

    /** @return the text's length in characters (safe to show in validation messages) */
    public int length() {
        return value.length();
    }

    /** @return true when the text is empty */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a hash would leak information about the secret; secrets are rarely map keys
    }

    /** @return {@code ******}, whatever the secret */
    @Override
    public String toString() {
        return "******";
    }
}
