package io.pveq.core.event;

import io.pveq.core.Ipv4Address;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What every progress event carries besides its own content: when it happened relative to the
 * operation's start, and the VM's id and address once they are known (SSE {@code vm_id} and
 * {@code ip}).
 *
 * @param elapsed time since the operation began, never negative
 * @param vmId    the VM, once known (an install learns it in {@link Stage#CHECKING_VMID})
 * @param ip      the VM's address, once known
 */
public record EventContext(Duration elapsed, Optional<VmId> vmId, Optional<Ipv4Address> ip) {

    /** Validates. */
    public EventContext {
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(ip, "ip");
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("elapsed must not be negative, got " + elapsed);
        }
    }

    /** @return a context with neither VM nor address known yet */
    public static EventContext of(Duration elapsed) {
        return new EventContext(elapsed, Optional.empty(), Optional.empty());
    }

    /** @return a context with the VM known and no address */
    public static EventContext of(Duration elapsed, VmId vmId) {
        return new EventContext(elapsed, Optional.of(vmId), Optional.empty());
    }

    /** @return a context with the VM and its address known */
    public static EventContext of(Duration elapsed, VmId vmId, Ipv4Address ip) {
        return new EventContext(elapsed, Optional.of(vmId), Optional.of(ip));
    }
}
