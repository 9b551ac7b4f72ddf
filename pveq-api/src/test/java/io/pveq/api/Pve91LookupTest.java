package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link LookupContract} against a simulated PVE 9.1 cluster. */
class Pve91LookupTest extends LookupContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_9_1;
    }
}
