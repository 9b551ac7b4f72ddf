package io.pveq.sim.internal.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * A request that ends in an error, answered the way {@code pveproxy} answers: the status, the
 * message as the reason phrase (its first line) and as {@code message} in the JSON body, and for
 * parameter errors the {@code errors} object naming each parameter. 401 answers carry no body.
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final Map<String, String> errors;
    private final boolean bare;

    ApiException(int status, String message, Map<String, String> errors) {
        this(status, message, errors, false);
    }

    private ApiException(int status, String message, Map<String, String> errors, boolean bare) {
        super(message, null, false, false);
        this.status = status;
        this.errors = errors == null ? Map.of() : Map.copyOf(new TreeMap<>(errors));
        this.bare = bare;
    }

    /** @return true for answers without a body: pveproxy's own 401s and 595s, before any handler ran */
    boolean bare() {
        return bare;
    }

    int status() {
        return status;
    }

    Map<String, String> errors() {
        return errors;
    }

    /** 400 {@code Parameter verification failed.} with one message per parameter. */
    static ApiException parameters(Map<String, String> errors) {
        return new ApiException(400, "Parameter verification failed.\n", errors);
    }

    static ApiException parameter(String name, String message) {
        return parameters(Map.of(name, message));
    }

    /** 403 {@code Permission check failed (what)}, or without the parenthesis when {@code what} is null. */
    static ApiException permission(String what) {
        return new ApiException(403, "Permission check failed" + (what == null ? "" : " (" + what + ")") + "\n",
                null);
    }

    /** 500 with Proxmox's error text (a {@code die} in a handler). */
    static ApiException failure(String message) {
        return new ApiException(500, message.endsWith("\n") ? message : message + "\n", null);
    }

    /** A 401 from pveproxy's authentication (no ticket, bad token or ticket, CSRF): no body. */
    static ApiException unauthorized(String message) {
        return new ApiException(401, message, null, true);
    }

    /** A 401 a handler raises (a failed {@code POST /access/ticket}): the usual JSON error body. */
    static ApiException authentication(String message) {
        return new ApiException(401, message.endsWith("\n") ? message : message + "\n", null, false);
    }

    /** 595: the node a request is proxied to cannot be reached (no body). */
    static ApiException unreachable(String message) {
        return new ApiException(595, message, null, true);
    }

    static ApiException notImplemented(String message) {
        return new ApiException(501, message, null);
    }
}
