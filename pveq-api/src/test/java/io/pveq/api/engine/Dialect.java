package io.pveq.api.engine;

import io.pveq.api.ProxmoxApi;
import io.pveq.api.RetryPolicy;
import io.pveq.api.SchemaCheck;
import io.pveq.api.TlsTrust;
import io.pveq.core.GuestAccessMode;
import io.pveq.core.Ipv4Address;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.Secret;
import io.pveq.core.VmProvisioner;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import okhttp3.OkHttpClient;

/**
 * The two ways the engine reaches a cluster, as the engine suite runs them on the simulator: through
 * {@code qm}/{@code pvesh} with guests over SSH, and through the REST API with a token and guests reached
 * through their QEMU guest agent (every request checked against {@code apidata.js} of PVE 8.4 and 9.1 on
 * the way out, and by the simulator's conformance observer on the way in).
 */
enum Dialect {
    /** {@code qm}/{@code pvesh} through each node's transport; guests over SSH. */
    CLI,
    /** The REST API with a token; guests through their agent; no shell anywhere. */
    API;

    /** Nominal simulated durations are divided by this: a 20 s boot takes 50 ms. */
    static final double SPEED = 400;

    /** @return a simulated cluster builder for this dialect (the API face served for {@link #API}) */
    SimulatedCluster.Builder cluster() {
        SimulatedCluster.Builder b = SimulatedCluster.builder().speedFactor(SPEED);
        return this == API ? b.api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO)) : b;
    }

    static ProvisionerSettings.Timeouts timeouts(Duration ready) {
        return ProvisionerSettings.Timeouts.DEFAULTS.withSshReady(ready);
    }

    /**
     * @return a provisioner builder reaching {@code cluster} in this dialect, with the simulator's address
     *         probe, disks on {@code local-lvm}, VMs at 127.0.10.VMID and a root password for the init script
     */
    VmProvisioner.Builder provisioner(SimulatedCluster cluster) {
        VmProvisioner.Builder b = this == CLI ? cluster.provisioner()
                : VmProvisioner.builder().connect(api(cluster)).addressProbe(cluster.addressProbe())
                        .storage("local-lvm").gateway(Ipv4Address.of(127, 0, 10, 1))
                        .guestAccess(GuestAccessMode.AGENT);
        return b.rootPassword(Secret.of("sim-root-password")).timeouts(timeouts(Duration.ofSeconds(20)));
    }

    /** @return a REST API client of the cluster's face: root's token, pinned certificate, schema-checked, quick polls */
    static ProxmoxApi api(SimulatedCluster cluster) {
        OkHttpClient http = new OkHttpClient.Builder().addInterceptor(SchemaCheck.bothIfAvailable()).build();
        return ProxmoxApi.builder().url(cluster.api().url()).token(cluster.api().rootToken())
                .trust(TlsTrust.pinned(cluster.api().fingerprint())).httpClient(http)
                .taskPolling(Duration.ofMillis(5), Duration.ofMillis(50))
                .retry(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), 5)).build();
    }

    /** @return {@code cli} or {@code api}, for test names */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
