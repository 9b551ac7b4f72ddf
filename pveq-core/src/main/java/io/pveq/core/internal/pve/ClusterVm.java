package io.pveq.core.internal.pve;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A guest (qemu or lxc) from {@code /cluster/resources --type vm}. A VM created in the last few seconds
 * may have only {@code vmid}, {@code node}, {@code type} and {@code status = unknown}: every other field is
 * optional. Immutable.
 *
 * @param vmId     the VMID
 * @param type     {@code qemu} or {@code lxc}
 * @param node     the node it lives on
 * @param status   {@code running}, {@code stopped}, {@code unknown}, ...
 * @param name     name, if known
 * @param maxCpu   vCPUs, if known
 * @param cpu      CPU use 0..maxCpu, if known
 * @param maxMem   configured memory in bytes, if known
 * @param mem      used memory in bytes, if known
 * @param maxDisk  boot disk size in bytes, if known ({@code disk} is always 0 for qemu and not kept)
 * @param uptime   uptime in seconds, if known
 * @param template true for a template
 * @param tags     tags, possibly empty
 * @param lock     lock, if any
 * @param pool     resource pool, if any
 * @param haState  HA state, if HA-managed
 */
public record ClusterVm(VmId vmId, String type, NodeName node, String status, Optional<String> name,
                        Optional<Integer> maxCpu, Optional<Double> cpu, Optional<Long> maxMem, Optional<Long> mem,
                        Optional<Long> maxDisk, Optional<Long> uptime, boolean template, List<String> tags,
                        Optional<String> lock, Optional<String> pool, Optional<String> haState) {

    /** Validates and copies. */
    public ClusterVm {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
        tags = List.copyOf(tags);
    }

    /** @return true for a QEMU VM (not a container) */
    public boolean qemu() {
        return type.equals("qemu");
    }

    /** @return true when running */
    public boolean running() {
        return status.equals("running");
    }
}
