package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link GuestAgentContract} against a simulated PVE 9.1 cluster. */
class Pve91AgentTest extends GuestAgentContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_9_1;
    }
}
