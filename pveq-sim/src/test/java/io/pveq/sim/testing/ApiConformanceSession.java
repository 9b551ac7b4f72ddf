package io.pveq.sim.testing;

import io.pveq.sim.internal.api.ApiTestHook;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs {@link ApiConformance} as the JVM-wide observer of every simulated REST API before the
 * first test runs. Registered through {@code META-INF/services}, so any module with pveq-sim's
 * test-jar on its test class path checks every exchange of its tests without doing anything.
 */
public final class ApiConformanceSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            Class.forName("io.pveq.core.testing.PveSchema");
        } catch (ClassNotFoundException e) {
            System.err.println("pveq-sim API conformance check is off: add the pveq-core test-jar (test scope)"
                    + " beside pveq-sim's to check every simulated API exchange against the schema");
            return;
        }
        ApiTestHook.install(ApiConformance.shared());
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        ApiTestHook.install(null);
    }
}
