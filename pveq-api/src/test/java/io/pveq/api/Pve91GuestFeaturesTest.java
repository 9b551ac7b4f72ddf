package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link ContainersAndSnapshotsContract} against a simulated PVE 9.1 cluster. */
class Pve91GuestFeaturesTest extends ContainersAndSnapshotsContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_9_1;
    }
}
