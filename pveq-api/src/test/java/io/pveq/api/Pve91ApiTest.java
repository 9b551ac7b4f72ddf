package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link ApiContract} against a simulated PVE 9.1 cluster. */
class Pve91ApiTest extends ApiContractAuthAndRetries {
    @Override
    PveRelease release() {
        return PveRelease.PVE_9_1;
    }
}
