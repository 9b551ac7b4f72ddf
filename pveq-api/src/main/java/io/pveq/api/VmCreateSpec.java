package io.pveq.api;

import io.pveq.core.VmId;
import java.util.Objects;

/**
 * A VM to create ({@code POST /nodes/{node}/qemu}). The create is the atomic claim of the VMID: it
 * fails with {@link io.pveq.core.VmExistsException} when the id is taken anywhere in the cluster.
 *
 * <pre>{@code
 * VmCreateSpec spec = VmCreateSpec.builder(VmId.of(101))
 *         .name("web-01").memoryMiB(2048).cores(2).cpuType("x86-64-v2-AES").osType("l26")
 *         .scsiHardware("virtio-scsi-single")
 *         .disk(DiskSpec.importFrom("scsi0", "local-lvm", "local:import/debian-12.qcow2"))
 *         .disk(DiskSpec.cloudInit("ide2", "local-lvm"))
 *         .nic(NicSpec.virtio(0, "vmbr0"))
 *         .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", "192.0.2.10/24"), Ipv4Address.parse("gw", "192.0.2.1")))
 *         .ciUser("debian").sshKeys(List.of(key)).ciUpgrade(false).agent(true).serialSocket(0)
 *         .build();
 * }</pre>
 *
 * @param vmId     the id to claim
 * @param settings the configuration
 * @param start    start the VM once created
 */
public record VmCreateSpec(VmId vmId, VmSettings settings, boolean start) {

    /** Validates. */
    public VmCreateSpec {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param vmId the id to claim
     * @return a builder
     */
    public static Builder builder(VmId vmId) {
        return new Builder(vmId);
    }

    /** Builds a {@link VmCreateSpec}. Not thread-safe. */
    public static final class Builder extends VmSettings.Builder<Builder> {
        private final VmId vmId;
        private boolean start;

        private Builder(VmId vmId) {
            this.vmId = Objects.requireNonNull(vmId, "vmId");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** @param start start the VM once created @return this */
        public Builder start(boolean start) {
            this.start = start;
            return this;
        }

        /** @return the spec */
        public VmCreateSpec build() {
            return new VmCreateSpec(vmId, settings(), start);
        }
    }
}
