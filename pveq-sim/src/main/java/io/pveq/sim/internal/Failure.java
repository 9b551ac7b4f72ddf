package io.pveq.sim.internal;

/** Ends a simulated command with an error text on stderr and an exit code. */
public final class Failure extends RuntimeException {

    private final int exitCode;

    /** @param stderr the error text without trailing line break */
    public Failure(String stderr, int exitCode) {
        super(stderr, null, false, false);
        this.exitCode = exitCode;
    }

    /** A Proxmox {@code die}: exit 255. */
    public Failure(String stderr) {
        this(stderr, 255);
    }

    public int exitCode() {
        return exitCode;
    }
}
