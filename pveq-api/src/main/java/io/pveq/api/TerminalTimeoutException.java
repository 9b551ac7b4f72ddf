package io.pveq.api;

import io.pveq.core.PveqException;
import java.time.Duration;

/**
 * A command run through a terminal proxy did not end within its timeout. It was interrupted (Ctrl-C) and
 * the websocket closed, which ends the terminal's shell; what the command did until then stays done.
 */
public class TerminalTimeoutException extends PveqException {

    private final TerminalTarget target;

    /**
     * @param target  where it ran
     * @param program the program's name
     * @param waited  how long it was awaited
     */
    public TerminalTimeoutException(TerminalTarget target, String program, Duration waited) {
        super("command " + program + " on " + target + " did not end within " + waited.toMillis() + " ms; interrupted");
        this.target = target;
    }

    /** @return where it ran */
    public TerminalTarget target() {
        return target;
    }
}
