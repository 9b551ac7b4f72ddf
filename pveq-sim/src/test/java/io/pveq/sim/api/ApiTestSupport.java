package io.pveq.sim.api;

import io.pveq.sim.SimApi;
import javax.net.ssl.SSLContext;

/** Helpers for tests in other packages that talk to the simulator's API. */
public final class ApiTestSupport {

    private ApiTestSupport() {
    }

    /** @return a TLS context trusting only the cluster CA of {@code api} */
    public static SSLContext trusting(SimApi api) {
        return ApiTestClient.trusting(api);
    }
}
