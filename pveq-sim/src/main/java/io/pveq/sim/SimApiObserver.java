package io.pveq.sim;

/**
 * Sees every request the simulator's REST API face answers, after the answer is made and before it
 * is sent: for conformance checks in tests (is every answer valid against the release's schema?).
 * Called on the request's thread; must be thread-safe and fast. An exception thrown here replaces
 * the answer with {@code 500 pveq-sim observer: <message>}, so a check that fails is seen by the
 * client under test instead of passing unnoticed.
 */
@FunctionalInterface
public interface SimApiObserver {

    /** @param exchange the request and its answer */
    void exchanged(SimApiExchange exchange);
}
