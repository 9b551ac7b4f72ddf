package io.pveq.sim.internal.api;

import io.pveq.sim.SimApiObserver;
import java.util.Optional;

/**
 * The one JVM-wide switch of the API face, for test harnesses only: an observer every API server
 * built afterwards reports to, in addition to its own. The conformance check of the project's tests
 * (in pveq-sim's test-jar) installs itself here when a JUnit session starts, so that every answer
 * the simulator gives anywhere in a test suite is checked against the real schema. Library code
 * never sets it.
 */
public final class ApiTestHook {

    private static volatile SimApiObserver installed;

    private ApiTestHook() {
    }

    /** Installs (or with null removes) the JVM-wide observer. */
    public static void install(SimApiObserver observer) {
        installed = observer;
    }

    /** @return the installed observer, if any */
    public static Optional<SimApiObserver> installed() {
        return Optional.ofNullable(installed);
    }
}
