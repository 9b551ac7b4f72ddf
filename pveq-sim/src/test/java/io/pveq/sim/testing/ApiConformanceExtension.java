package io.pveq.sim.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test during which the simulator's API face sent an answer (or accepted a request) that
 * breaks the real schema, even when the client under test ignored the 500 that replaced it.
 * Registered for JUnit's extension auto-detection (the root pom turns it on).
 */
public final class ApiConformanceExtension implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        ApiConformance.shared().drain();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> violations = ApiConformance.shared().drain();
        if (!violations.isEmpty()) {
            fail("the simulated Proxmox API broke its schema " + violations.size() + " time(s):\n  "
                    + String.join("\n  ", violations));
        }
    }
}
