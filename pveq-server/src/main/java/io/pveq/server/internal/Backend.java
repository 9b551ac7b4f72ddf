package io.pveq.server.internal;

import io.pveq.core.VmProvisioner;
import io.pveq.server.EnvConfig;

/**
 * Builds the provisioner the server runs on: the simulated cluster when nothing is configured,
 * otherwise local and SSH transports, SSH guest access and the image cache.
 */
public final class Backend {

    private Backend() {
    }

    /**
     * @param config  the configuration
     * @param metrics counts commands per node
     * @return a provisioner and whatever must be closed with it
     * @throws IllegalStateException when this build cannot provide the requested mode
     */
    public static Built create(EnvConfig config, ServerMetrics metrics) {
        throw new IllegalStateException("this build has no provisioning engine yet (pveq-core's VmProvisioner"
                + " implementation has not landed); the server cannot start in "
                + (config.simulated() ? "simulated" : "cluster") + " mode");
    }

    /**
     * A provisioner and the extra resources (simulator, mirror) to close after it.
     *
     * @param provisioner the provisioner
     * @param extra       closed after the provisioner, in order
     * @param facts       for {@code GET /api/info}
     */
    public record Built(VmProvisioner provisioner, java.util.List<AutoCloseable> extra,
                        java.util.Map<String, Object> facts) {
    }
}
