package io.pveq.core.guest;

import io.pveq.core.VmId;
import java.util.Objects;

/**
 * Where and as whom to reach a new VM over SSH.
 *
 * @param vmId the VM, for messages and simulated guests
 * @param host its address (an IP literal, usually)
 * @param port its SSH port, 22 normally
 * @param user the login user cloud-init created (root is reached through {@code sudo})
 */
public record GuestEndpoint(VmId vmId, String host, int port, String user) {

    /** Validates. */
    public GuestEndpoint {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + " (VM " + vmId + ")";
    }
}
