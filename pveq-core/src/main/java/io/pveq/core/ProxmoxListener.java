package io.pveq.core;

import java.time.Duration;

/**
 * Hears every call the provisioner makes to Proxmox VE, in either dialect: the start and end of each
 * command, upload or REST request, and each VMID claim lost to another creator. For metrics and tracing
 * (the server counts commands per node with it). Like OkHttp's {@code EventListener}: called on the
 * calling thread, paired ({@link #callStart} then exactly one {@link #callEnd} for the same call), and
 * implementations must be fast and must never throw (an exception is logged and ignored). All methods
 * default to doing nothing.
 */
public interface ProxmoxListener {

    /** Hears nothing. */
    ProxmoxListener NONE = new ProxmoxListener() { };

    /** @param call a call about to be made */
    default void callStart(ProxmoxCall call) {
    }

    /**
     * @param call    the call that ended
     * @param outcome how it ended
     * @param took    how long it took
     */
    default void callEnd(ProxmoxCall call, ProxmoxCall.Outcome outcome, Duration took) {
    }

    /**
     * A create lost its VMID to another creator ({@code already exists}); the install goes on with the next
     * candidate.
     *
     * @param vmId the VMID that was taken
     * @param node where the create was sent
     */
    default void vmidClaimLost(VmId vmId, NodeName node) {
    }
}
