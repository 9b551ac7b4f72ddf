package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link BackupsContract} against a simulated PVE 9.1 cluster. */
class Pve91BackupsTest extends BackupsContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_9_1;
    }
}
