package io.pveq.examples;

import io.pveq.api.ProxmoxApi;
import io.pveq.api.TlsTrust;
import io.pveq.sim.SimulatedCluster;
import java.util.Map;
import java.util.Optional;

/**
 * Where the API examples connect: a real cluster when {@code PVE_API_URL}, {@code PVE_API_TOKEN} and
 * {@code PVE_API_FINGERPRINT} are set in the environment (examples may read it; the library never
 * does), else a simulated three-node cluster serving the Proxmox API over HTTPS on loopback, reached
 * exactly the same way: its URL, a token and its certificate's fingerprint.
 */
final class ApiTarget implements AutoCloseable {

    private final Optional<SimulatedCluster> simulator;
    private final ProxmoxApi api;
    private final String description;

    private ApiTarget(Optional<SimulatedCluster> simulator, ProxmoxApi api, String description) {
        this.simulator = simulator;
        this.api = api;
        this.description = description;
    }

    static ApiTarget open(Map<String, String> env) {
        String url = env.get("PVE_API_URL");
        if (url != null && !url.isBlank()) {
            String token = require(env, "PVE_API_TOKEN");
            String fingerprint = require(env, "PVE_API_FINGERPRINT");
            ProxmoxApi api = ProxmoxApi.builder().url(url).token(token).trust(TlsTrust.pinned(fingerprint)).build();
            return new ApiTarget(Optional.empty(), api, url + " as " + api.who());
        }
        SimulatedCluster cluster = SimulatedCluster.builder().speedFactor(500).api().build();
        ProxmoxApi api = ProxmoxApi.builder()
                .url(cluster.api().url())
                .token(cluster.api().rootToken())
                .trust(TlsTrust.pinned(cluster.api().fingerprint()))
                .build();
        return new ApiTarget(Optional.of(cluster), api, "the simulated cluster at " + cluster.api().url()
                + " (pinned SHA-256 " + cluster.api().fingerprint() + ")");
    }

    private static String require(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be set together with PVE_API_URL");
        }
        return value;
    }

    ProxmoxApi api() {
        return api;
    }

    String description() {
        return description;
    }

    boolean simulated() {
        return simulator.isPresent();
    }

    @Override
    public void close() {
        api.close();
        simulator.ifPresent(SimulatedCluster::close);
    }
}
