package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link ContainersAndSnapshotsContract} against a simulated PVE 8.4 cluster. */
class Pve84GuestFeaturesTest extends ContainersAndSnapshotsContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_8_4;
    }
}
