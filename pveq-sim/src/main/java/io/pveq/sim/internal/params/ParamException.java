package io.pveq.sim.internal.params;

/** A command line Proxmox would reject: the stderr text (lines ending in \n) and exit 255. */
public final class ParamException extends RuntimeException {

    private final String stderr;

    public ParamException(String stderr) {
        super(stderr, null, false, false);
        this.stderr = stderr;
    }

    public String stderr() {
        return stderr;
    }
}
