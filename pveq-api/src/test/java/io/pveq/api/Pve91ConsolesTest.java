package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link ConsolesContract} against a simulated PVE 9.1 cluster. */
class Pve91ConsolesTest extends ConsolesContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_9_1;
    }
}
