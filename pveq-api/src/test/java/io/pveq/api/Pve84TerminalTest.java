package io.pveq.api;

import io.pveq.sim.PveRelease;

/** {@link TerminalContract} against a simulated PVE 8.4 cluster. */
class Pve84TerminalTest extends TerminalContract {
    @Override
    PveRelease release() {
        return PveRelease.PVE_8_4;
    }
}
