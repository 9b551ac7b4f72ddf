package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link BackupsContract} against a simulated PVE 8.4 cluster. */
class Pve84BackupsTest extends BackupsContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_8_4;
    }
}
