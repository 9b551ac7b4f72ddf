package io.pveq.core;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id of a long operation (a job): safe in URLs and logs, e.g. {@code 3f2a9c1e-...}.
 *
 * @param value 8-64 characters of letters, digits, {@code -} and {@code _}
 */
public record OperationId(String value) {

    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    /** @throws InvalidSpecException naming {@code operation} when malformed */
    public OperationId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new InvalidSpecException("operation", "must be 8-64 letters, digits, '-' or '_', got '"
                    + InvalidSpecException.shorten(value) + "'");
        }
    }

    /** @return a new random id (a UUID) */
    public static OperationId random() {
        return new OperationId(UUID.randomUUID().toString());
    }

    /**
     * @param text the id as a URL path segment gives it; may be null (then rejected)
     * @return the id
     * @throws InvalidSpecException naming {@code operation} when malformed
     */
    public static OperationId parse(String text) {
        if (text == null) {
            throw new InvalidSpecException("operation", "is required");
        }
        return new OperationId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
