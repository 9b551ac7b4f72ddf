package io.pveq.core.internal.engine;

import io.pveq.core.InstallFailedException;

/** Short, secret-free failure texts for events and messages. */
final class FailureText {

    private FailureText() {
    }

    /** @return the message of {@code e}, or its type when it has none */
    static String of(Throwable e) {
        Throwable t = e instanceof InstallFailedException && e.getCause() != null ? e.getCause() : e;
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return message.strip();
    }
}
