package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link GuestAgentContract} against a simulated PVE 8.4 cluster. */
class Pve84AgentTest extends GuestAgentContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_8_4;
    }
}
