package io.pveq.core.internal.engine;

import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProxmoxListener;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.internal.cluster.ProxmoxOps;
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
 * @param guests    how new guests are reached (SSH or the guest agent)
 * @param scripts   OS init scripts
 * @param retry     retry policy for transient Proxmox errors
 * @param clock     time
 * @param listener  hears Proxmox calls (and VMID claims lost)
 * @param holds     images in use by installs of this process
 */
record EngineContext(ProvisionerSettings settings, ClusterRouter router, EngineIpAllocator allocator,
                     EngineCpuDetector cpu, ImageProvider images, GuestChannel guests, InitScriptSource scripts,
                     Retry retry, Clock clock, ProxmoxListener listener, ImageHolds holds) {

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
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(holds, "holds");
    }

    /** @return the connection to the cluster */
    ProxmoxOps ops() {
        return router.ops();
    }
}
