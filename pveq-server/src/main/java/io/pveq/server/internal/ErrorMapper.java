package io.pveq.server.internal;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.CommandFailedException;
import io.pveq.core.GuestAccessException;
import io.pveq.core.ImageException;
import io.pveq.core.InstallFailedException;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.IpPoolExhaustedException;
import io.pveq.core.LockTimeoutException;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.PveqException;
import io.pveq.core.StorageException;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmStateException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns exceptions into HTTP answers: status and the small JSON error body
 * {@code {"success":false,"error":"<code>","field":"<field>","message":"<text>"}} ({@code field}
 * only when a request field is at fault).
 */
public final class ErrorMapper {

    private ErrorMapper() {
    }

    /**
     * @param e any exception
     * @return the equivalent {@link HttpError}
     */
    public static HttpError map(Throwable e) {
        if (e instanceof HttpError h) {
            return h;
        }
        if (e instanceof InvalidSpecException i) {
            return new HttpError(400, "invalid_request", i.field(), i.getMessage());
        }
        if (e instanceof VmNotFoundException) {
            return new HttpError(404, "vm_not_found", null, e.getMessage());
        }
        if (e instanceof io.pveq.core.VmLockedException) {
            return new HttpError(409, "locked", null, e.getMessage());
        }
        if (e instanceof VmStateException || e instanceof VmExistsException || e instanceof LockTimeoutException
                || e instanceof OperationCancelledException) {
            return new HttpError(409, "conflict", null, e.getMessage());
        }
        if (e instanceof IpPoolExhaustedException || e instanceof StorageException) {
            return new HttpError(409, "no_capacity", null, e.getMessage());
        }
        if (e instanceof ClusterUnavailableException || e instanceof NodeUnavailableException
                || e instanceof io.pveq.core.transport.TransportException || e instanceof RejectedExecutionException) {
            return new HttpError(503, "unavailable", null, e.getMessage() == null ? "cannot accept work now"
                    : e.getMessage());
        }
        if (e instanceof CommandFailedException || e instanceof ImageException || e instanceof GuestAccessException
                || e instanceof InstallFailedException) {
            return new HttpError(502, "upstream_failed", null, e.getMessage());
        }
        if (e instanceof PveqException) {
            return new HttpError(500, "failed", null, e.getMessage());
        }
        return new HttpError(500, "internal_error", null, "internal error");
    }

    /**
     * @param error the error
     * @return the JSON body fields, in order
     */
    public static Map<String, Object> body(HttpError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", error.code());
        error.field().ifPresent(f -> body.put("field", f));
        body.put("message", error.getMessage());
        return body;
    }
}
