package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link TerminalContract} against a simulated PVE 9.1 cluster. */
class Pve91TerminalTest extends TerminalContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_9_1;
    }
}
