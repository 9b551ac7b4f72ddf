package io.pveq.server.internal;

import java.util.Optional;

/**
 * An error the server itself answers with: status, a short machine-readable code, the request
 * field at fault when there is one, and a message for people (never a secret).
 */
public final class HttpError extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    /**
     * @param status  HTTP status
     * @param code    short code, e.g. {@code forbidden}
     * @param field   request field at fault, or null
     * @param message for people
     */
    public HttpError(int status, String code, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** @return a 400 naming {@code field} */
    public static HttpError badField(String field, String message) {
        return new HttpError(400, "invalid_request", field, field + ": " + message);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the short code */
    public String code() {
        return code;
    }

    /** @return the field at fault */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
