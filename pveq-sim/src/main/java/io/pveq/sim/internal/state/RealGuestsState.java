package io.pveq.sim.internal.state;

/**
 * How this cluster boots real guests, kept in the state so that every process sharing it (the
 * launchers of one command each) starts and finds QEMU processes the same way.
 */
public final class RealGuestsState {
    /** The emulator, e.g. /usr/bin/qemu-system-x86_64. */
    public String qemu;
    /** Volumes, seeds and sockets live below this folder. */
    public String workFolder;
    /** The package repository root served to guests (holds debian/dists and debian/pool), or null. */
    public String repository;
    /** Marks every process started for this cluster (environment PVEQ_SIM_GUEST_OWNER) so that it can be reaped. */
    public String owner;
    /** Longest a shutdown or stop waits for QEMU to end, in seconds. */
    public long stopTimeoutSeconds = 60;
}
