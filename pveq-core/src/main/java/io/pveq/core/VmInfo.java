package io.pveq.core;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One VM as the cluster reports it, in the units of the list response
 * ({@code {"vmid","name","os","running","node","cpu","disk","memory","memory_used"}}).
 * Containers are never listed here (their ids still count as taken).
 *
 * @param vmId         the VM
 * @param name         its name; empty while Proxmox has not reported one yet (a brand-new VM)
 * @param os           the OS release pveq installed, read from pveq's own tag ({@code pveq-os-<os>-<version>}); empty for VMs pveq did not install
 * @param status       its power state ({@code running} in the list response is {@link VmStatus#isRunning()})
 * @param node         the node it lives on
 * @param cpu          its vCPUs
 * @param diskGb       its boot disk size in whole GiB ({@link DiskSize#roundedGiB()})
 * @param memoryMb     its configured memory in MB
 * @param memoryUsedMb memory in use in MB (0 when stopped)
 * @param tags         its Proxmox tags
 * @param lock         the Proxmox lock held on it ({@code backup}, {@code migrate}, ...), if any
 */
public record VmInfo(VmId vmId, String name, Optional<OsRelease> os, VmStatus status, NodeName node, int cpu,
                     long diskGb, long memoryMb, long memoryUsedMb, Set<String> tags, Optional<String> lock) {

    /** Validates and copies. */
    public VmInfo {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(node, "node");
        tags = Set.copyOf(tags);
        Objects.requireNonNull(lock, "lock");
        if (cpu < 0 || diskGb < 0 || memoryMb < 0 || memoryUsedMb < 0) {
            throw new IllegalArgumentException("VM " + vmId + ": sizes must not be negative");
        }
    }

    /** @return true when running ({@code running} in the list response) */
    public boolean running() {
        return status.isRunning();
    }
}
