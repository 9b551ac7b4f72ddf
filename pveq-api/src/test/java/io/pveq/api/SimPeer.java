package io.pveq.api;

import io.pveq.core.Secret;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimClock;
import io.pveq.sim.SimulatedCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;
import okhttp3.OkHttpClient;

/**
 * The real peer of pveq-api's tests: a simulated cluster of one release serving the Proxmox REST API
 * over HTTPS on loopback, on a virtual clock, with users, a privilege-separated token and an ACL.
 * Every client it makes sends through {@link SchemaCheck} for that release and a {@link RequestLog}.
 */
final class SimPeer implements AutoCloseable {

    static final String ROOT_PASSWORD = "root-secret";
    static final String ALICE_PASSWORD = "alice-secret";
    static final String ALICE_TOKEN = "alice@pve!ci=6a1f0e7c-51f6-4a0e-9a55-2c7d4b8e9f01";

    final PveRelease release;
    final SimClock clock = SimClock.create();
    final SimulatedCluster cluster;
    final SchemaCheck schema;

    SimPeer(PveRelease release) {
        this(release, UnaryOperator.identity());
    }

    /** @param more adds to the simulated cluster (containers, users, roles, ACLs) before it is built */
    SimPeer(PveRelease release, UnaryOperator<SimulatedCluster.Builder> more) {
        this.release = release;
        this.schema = SchemaCheck.of(release.major() == 8 ? "pve8" : "pve9");
        this.cluster = more.apply(SimulatedCluster.builder()).release(release).clock(clock).rootPassword(ROOT_PASSWORD)
                .user("alice@pve", ALICE_PASSWORD)
                .token("alice@pve", "ci", "6a1f0e7c-51f6-4a0e-9a55-2c7d4b8e9f01", true)
                .role("PveqAuditor", Set.of("VM.Audit", "Sys.Audit"))
                .acl("/", "alice@pve", "PveqAuditor", true)
                .acl("/", "alice@pve!ci", "PveqAuditor", true)
                .api().build();
    }

    /** @return a builder for a client of this peer: pinned fingerprint, schema check, virtual clock, quick retries */
    ProxmoxApi.Builder builder(RequestLog log) {
        OkHttpClient http = new OkHttpClient.Builder().addInterceptor(schema).addInterceptor(log).build();
        return ProxmoxApi.builder().url(cluster.api().url()).trust(TlsTrust.pinned(cluster.api().fingerprint()))
                .httpClient(http).clock(clock).taskPolling(Duration.ofMillis(5), Duration.ofMillis(50))
                .retry(new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20), 5));
    }

    ProxmoxApi root(RequestLog log) {
        return builder(log).token(cluster.api().rootToken()).build();
    }

    ProxmoxApi rootTicket(RequestLog log, Clock clientClock) {
        return builder(log).clock(clientClock).ticket("root@pam", Secret.of(ROOT_PASSWORD)).build();
    }

    ProxmoxApi alice(RequestLog log) {
        return builder(log).token(ALICE_TOKEN).build();
    }

    ProxmoxApi with(RequestLog log, UnaryOperator<ProxmoxApi.Builder> configure) {
        return configure.apply(builder(log).token(cluster.api().rootToken())).build();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
