package io.pveq.sim.internal.api;

import io.pveq.sim.SimApiObserver;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one JVM-wide switch of the API face, for test harnesses only: an observer every API server
 * built afterwards reports to, in addition to its own. The conformance check of the project's tests
 * (in pveq-sim's test-jar) installs itself here when a JUnit session starts, so that every answer
 * the simulator gives anywhere in a test suite is checked against the real schema. Library code
 * never sets it.
 *
 * <p>A server in another process (the {@code pveq-sim-api} launcher, the reference server in
 * simulated mode) cannot reach the test's observer; started with the environment variable
 * {@value #RECORD_VARIABLE} naming a file, it appends every exchange to that file instead (see
 * {@link ExchangeRecorder}), and the test checks the file when the process is done.
 */
public final class ApiTestHook {

    /** The environment variable naming the file a process records its API exchanges in. */
    public static final String RECORD_VARIABLE = "PVEQ_SIM_API_RECORD";

    private static volatile SimApiObserver installed;
    private static final Optional<SimApiObserver> RECORDER = recorder(System.getenv(RECORD_VARIABLE));

    private ApiTestHook() {
    }

    /** Installs (or with null removes) the JVM-wide observer. */
    public static void install(SimApiObserver observer) {
        installed = observer;
    }

    /** @return the installed observer, else the recorder {@value #RECORD_VARIABLE} asks for, if any */
    public static Optional<SimApiObserver> installed() {
        SimApiObserver observer = installed;
        return observer != null ? Optional.of(observer) : RECORDER;
    }

    static Optional<SimApiObserver> recorder(String file) {
        return file == null || file.isBlank() ? Optional.empty() : Optional.of(new ExchangeRecorder(Path.of(file)));
    }
}
