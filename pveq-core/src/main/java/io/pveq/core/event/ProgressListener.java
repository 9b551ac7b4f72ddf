package io.pveq.core.event;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the progress events of one operation, in order, on the thread doing the work.
 * Contract (as OkHttp's {@code EventListener}): fast (hand slow work such as network writes to a
 * queue) and never throws. pveq guards itself anyway: a listener that throws is logged and
 * ignored, never allowed to break the operation (see {@link #guarded}).
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores every event. */
    ProgressListener NONE = event -> { };

    /** @param event the event; never null */
    void onEvent(ProgressEvent event);

    /**
     * @param next also told about each event, after this listener
     * @return a listener telling this one, then {@code next}; a throwing one does not stop the other
     */
    default ProgressListener andThen(ProgressListener next) {
        Objects.requireNonNull(next, "next");
        ProgressListener first = guarded(this);
        ProgressListener second = guarded(next);
        return event -> {
            first.onEvent(event);
            second.onEvent(event);
        };
    }

    /**
     * @param listener the listener to protect
     * @return a listener passing events to {@code listener} that logs (at WARN) and swallows
     *         whatever it throws
     */
    static ProgressListener guarded(ProgressListener listener) {
        Objects.requireNonNull(listener, "listener");
        return event -> {
            try {
                listener.onEvent(event);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw (Error) e;
                }
                Logger log = LoggerFactory.getLogger(ProgressListener.class);
                log.warn("progress listener {} threw on {}; ignored", listener, event.stage(), e);
            }
        };
    }
}
