package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link ConsolesContract} against a simulated PVE 8.4 cluster. */
class Pve84ConsolesTest extends ConsolesContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_8_4;
    }
}
