package io.pveq.api;

import io.pveq.core.GuestAccessException;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.List;

/**
 * A command run with {@link GuestAgentApi#run} did not exit within its timeout. The guest agent has no way
 * to stop it, so it may still be running inside the guest; {@link #pid()} names it for
 * {@link GuestAgentApi#execStatus}.
 */
public class GuestCommandTimeoutException extends GuestAccessException {

    private final VmId vmId;
    private final int pid;

    /**
     * @param vmId    the VM
     * @param pid     the guest process id
     * @param command the program and its arguments
     * @param waited  how long it was awaited
     */
    public GuestCommandTimeoutException(VmId vmId, int pid, List<String> command, Duration waited) {
        super("command " + command.get(0) + " (pid " + pid + ") in VM " + vmId + " still running after "
                + waited.toMillis() + " ms; the guest agent cannot stop it");
        this.vmId = vmId;
        this.pid = pid;
    }

    /** @return the VM */
    public VmId vmId() {
        return vmId;
    }

    /** @return the guest process id, still running */
    public int pid() {
        return pid;
    }
}
