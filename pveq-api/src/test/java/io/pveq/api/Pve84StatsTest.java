package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link StatsContract} against a simulated PVE 8.4 cluster. */
class Pve84StatsTest extends StatsContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_8_4;
    }
}
