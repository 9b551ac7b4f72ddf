package io.pveq.core.internal.engine;

import io.pveq.core.ProvisionerSettings;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.image.ImageProvider;
import java.time.Clock;
import java.util.Objects;

/**
 * The collaborators the install pipeline and the lifecycle operations share.
 *
 * @param settings  the site settings
 * @param router    nodes and cluster state
 * @param allocator VMIDs and addresses
 * @param cpu       CPU levels
 * @param images    OS images
 * @param guests    SSH into guests
 * @param scripts   OS init scripts
 * @param retry     retry policy for transient Proxmox errors
 * @param clock     time
 */
record EngineContext(ProvisionerSettings settings, EngineNodeRouter router, EngineIpAllocator allocator,
                     EngineCpuDetector cpu, ImageProvider images, GuestAccess guests, InitScriptSource scripts,
                     Retry retry, Clock clock) {

    EngineContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(allocator, "allocator");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(guests, "guests");
        Objects.requireNonNull(scripts, "scripts");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(clock, "clock");
    }
}
