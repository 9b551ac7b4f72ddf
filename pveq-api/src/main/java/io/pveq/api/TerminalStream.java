package io.pveq.api;

import java.util.concurrent.CompletableFuture;

/**
 * A command streaming its output through a terminal proxy until cancelled ({@link TerminalCommands#journal},
 * {@link TerminalCommands#tail}). Thread-safe.
 */
public interface TerminalStream extends AutoCloseable {

    /**
     * @return completes normally when the stream ends after {@link #close()} or when the remote end
     *         closed; exceptionally (a {@link io.pveq.core.PveqException}) when it failed
     */
    CompletableFuture<Void> ended();

    /**
     * Cancels: interrupts the command (Ctrl-C), ends the shell and closes the websocket. Does not block;
     * idempotent.
     */
    @Override
    void close();
}
