package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link ApiContract} against a simulated PVE 8.4 cluster. */
class Pve84ApiTest extends ApiContractAuthAndRetries {
    @Override
    PveRelease release() {
        return PveRelease.PVE_8_4;
    }
}
