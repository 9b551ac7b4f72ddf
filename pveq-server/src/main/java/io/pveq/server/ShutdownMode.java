package io.pveq.server;

import io.pveq.core.InvalidSpecException;
import java.util.Locale;

/** What happens to running jobs when the server stops ({@code SHUTDOWN_MODE}). */
public enum ShutdownMode {
    /** Cancel running jobs; each rolls back what it had changed (the default). */
    CANCEL,
    /** Wait for running jobs to finish, up to {@code SHUTDOWN_TIMEOUT}; then cancel what is left. */
    AWAIT;

    /**
     * @param text {@code cancel} or {@code await}, any case
     * @return the mode
     * @throws InvalidSpecException naming {@code SHUTDOWN_MODE} for anything else
     */
    public static ShutdownMode parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "cancel" -> CANCEL;
            case "await" -> AWAIT;
            default -> throw new InvalidSpecException("SHUTDOWN_MODE", "must be cancel or await, got '"
                    + InvalidSpecException.shorten(text) + "'");
        };
    }
}
