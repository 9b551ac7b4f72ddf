package io.pveq.core.internal.pve;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The answer of {@code qm status VMID [--verbose]}. The plain form only fills {@code status}; the
 * verbose form adds the top-level {@code key: value} fields (nested blocks such as {@code blockstat} are
 * skipped). Immutable.
 *
 * @param status    {@code running}, {@code stopped}, {@code paused}, ... as Proxmox prints it
 * @param qmpStatus QEMU's own view ({@code running}, {@code paused}, {@code prelaunch}, ...) when verbose
 * @param name      the VM name when verbose
 * @param pid       the QEMU process id when running and verbose
 * @param uptimeSeconds uptime when verbose
 * @param lock      the config lock ({@code backup}, {@code migrate}, ...) if any
 * @param fields    every top-level field of the verbose output, sorted; empty for the plain form
 */
public record VmStatus(String status, Optional<String> qmpStatus, Optional<String> name, Optional<Long> pid,
                       Optional<Long> uptimeSeconds, Optional<String> lock, Map<String, String> fields) {

    /** Validates and copies. */
    public VmStatus {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(qmpStatus, "qmpStatus");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(uptimeSeconds, "uptimeSeconds");
        Objects.requireNonNull(lock, "lock");
        fields = java.util.Collections.unmodifiableMap(new TreeMap<>(fields));
    }

    /** @return true when Proxmox reports the VM running */
    public boolean running() {
        return status.equals("running");
    }

    /** @return true when Proxmox reports the VM stopped */
    public boolean stopped() {
        return status.equals("stopped");
    }
}
