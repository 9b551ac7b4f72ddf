package io.pveq.api;

import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A VM's state now ({@code GET /nodes/{node}/qemu/{vmid}/status/current}).
 *
 * @param vmId      the VM
 * @param status    its power state ({@code status})
 * @param qmpStatus QEMU's own finer state ({@code qmpstatus}, e.g. {@code paused}), when running
 * @param name      its name, empty when none
 * @param cpus      its CPUs
 * @param cpu       CPU use as a fraction
 * @param maxMem    its memory in bytes
 * @param mem       memory in use in bytes
 * @param uptime    how long it has run
 * @param lock      its config lock, when locked
 * @param agent     whether the guest agent is enabled in its config
 * @param template  whether it is a template
 */
public record VmCurrentStatus(VmId vmId, VmStatus status, Optional<String> qmpStatus, String name, int cpus,
                              double cpu, long maxMem, long mem, Duration uptime, Optional<String> lock,
                              boolean agent, boolean template) {

    /** Validates. */
    public VmCurrentStatus {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(qmpStatus, "qmpStatus");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uptime, "uptime");
        Objects.requireNonNull(lock, "lock");
    }
}
