package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the contracts of issue #17 share: one {@link SimPeer} of a release per test class (with what
 * {@link #cluster} adds), a root-token client logging its requests, closed after the class. A subclass's
 * own {@code @BeforeAll} runs after this one's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GuestFeaturesFixture {

    static final NodeName PVE1 = NodeName.of("pve1");
    static final Duration WAIT = Duration.ofMinutes(30);

    SimPeer peer;
    RequestLog log;
    ProxmoxApi api;

    abstract PveRelease release();

    /** @return what to add to the simulated cluster (containers, ...) */
    UnaryOperator<SimulatedCluster.Builder> cluster() {
        return UnaryOperator.identity();
    }

    @BeforeAll
    void startPeer() {
        peer = new SimPeer(release(), cluster());
        log = new RequestLog();
        api = peer.root(log);
    }

    @AfterAll
    void stopPeer() {
        api.close();
        peer.close();
    }

    void await(Upid upid) {
        api.tasks().await(upid, WAIT, TaskListener.NONE);
    }
}
