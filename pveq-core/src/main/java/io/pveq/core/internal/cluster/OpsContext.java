package io.pveq.core.internal.cluster;

import io.pveq.core.ProxmoxListener;
import java.time.Duration;
import java.util.Objects;

/**
 * What a provisioner hands a connection when it opens it.
 *
 * @param command     limit for an ordinary call (status, config, set)
 * @param longCommand limit for a long task (create, import, migrate, destroy, a node's download)
 * @param listener    hears every call; fast, never throws
 */
public record OpsContext(Duration command, Duration longCommand, ProxmoxListener listener) {

    /** Validates. */
    public OpsContext {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(longCommand, "longCommand");
        Objects.requireNonNull(listener, "listener");
    }
}
