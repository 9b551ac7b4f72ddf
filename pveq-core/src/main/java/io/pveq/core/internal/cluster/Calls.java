package io.pveq.core.internal.cluster;

import io.pveq.core.NodeName;
import io.pveq.core.ProxmoxCall;
import io.pveq.core.ProxmoxListener;
import io.pveq.core.PveqException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports calls to a {@link ProxmoxListener}: start, then end with the outcome and time, whatever the call
 * did; a listener that throws is logged and ignored. Thread-safe.
 */
public final class Calls {

    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

    private final ProxmoxListener listener;
    private final String dialect;
    private final Predicate<Throwable> unanswered;

    /**
     * @param listener   where to report
     * @param dialect    {@code cli} or {@code api}
     * @param unanswered tells a failure that got no answer (a lost connection, a timeout) from a refusal
     */
    public Calls(ProxmoxListener listener, String dialect, Predicate<Throwable> unanswered) {
        this.listener = listener;
        this.dialect = dialect;
        this.unanswered = unanswered;
    }

    /** @return the listener reports go to */
    public ProxmoxListener listener() {
        return listener;
    }

    /**
     * Runs and reports one call.
     *
     * @param node   the node, when the call has one
     * @param name   the bounded call name
     * @param call   the work; a result it judges a failure is reported as such through {@code failed}
     * @param failed true for a result that is a refusal (a non-zero exit code)
     * @return the work's result
     */
    public <T> T call(Optional<NodeName> node, String name, Supplier<T> call, Predicate<T> failed) {
        ProxmoxCall reported = new ProxmoxCall(dialect, node, name);
        safely(() -> listener.callStart(reported));
        long began = System.nanoTime();
        ProxmoxCall.Outcome outcome = ProxmoxCall.Outcome.ERROR;
        try {
            T result = call.get();
            outcome = failed.test(result) ? ProxmoxCall.Outcome.FAILED : ProxmoxCall.Outcome.OK;
            return result;
        } catch (RuntimeException e) {
            outcome = e instanceof PveqException && !unanswered.test(e) ? ProxmoxCall.Outcome.FAILED
                    : ProxmoxCall.Outcome.ERROR;
            throw e;
        } finally {
            ProxmoxCall.Outcome finalOutcome = outcome;
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            safely(() -> listener.callEnd(reported, finalOutcome, took));
        }
    }

    /** {@link #call(Optional, String, Supplier, Predicate)} for work whose every result is a success. */
    public <T> T call(Optional<NodeName> node, String name, Supplier<T> call) {
        return call(node, name, call, result -> false);
    }

    /** The same for work without a result. */
    public void run(Optional<NodeName> node, String name, Runnable work) {
        call(node, name, () -> {
            work.run();
            return null;
        });
    }

    /** Runs a listener callback, logging and dropping what it throws. */
    public static void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("a ProxmoxListener threw (ignored): {}", e.toString());
        }
    }
}
