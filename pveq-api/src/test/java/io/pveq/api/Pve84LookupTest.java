package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link LookupContract} against a simulated PVE 8.4 cluster. */
class Pve84LookupTest extends LookupContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_8_4;
    }
}
