package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link StatsContract} against a simulated PVE 9.1 cluster. */
class Pve91StatsTest extends StatsContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_9_1;
    }
}
