package io.pveq.core.internal.pve;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.VmId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@code qm create} needs to make a cloud-init VM whose system disk is imported from an
 * image file during the create ({@code --scsi0 STORAGE:0,import-from=/abs/path}). Immutable; built
 * with {@link #builder(VmId, String)}; every field is validated against the PVE schema's rules so that a
 * bad value fails here rather than on the node.
 *
 * @param vmId             the VMID to claim
 * @param name             VM name (a DNS name)
 * @param cores            cores per socket, at least 1
 * @param sockets          sockets, at least 1
 * @param memoryMiB        memory in MiB, at least 16
 * @param balloonMiB       balloon target in MiB (0 disables the balloon driver); empty for Proxmox's default
 * @param cpuType          the {@code --cpu} model, e.g. {@code x86-64-v2-AES} (no {@code x86-64-v1} in PVE)
 * @param osType           the {@code --ostype}, e.g. {@code l26}
 * @param bridge           bridge for {@code net0}
 * @param vlanTag          VLAN tag 1-4094 for {@code net0}, if any
 * @param macAddress       fixed unicast MAC for {@code net0}; empty lets Proxmox pick one ({@code BC:24:11:...})
 * @param diskStorage      storage for the system disk
 * @param importFrom       absolute path on the node of the image to import as {@code scsi0} during the
 *                         create; empty: no system disk yet (imported and attached afterwards)
 * @param cloudInitStorage storage for the cloud-init drive
 * @param cloudInitSlot    where the cloud-init drive goes
 * @param ciUser           cloud-init user name
 * @param ciPassword       cloud-init password, if any (always passed with a value, never prompted)
 * @param sshKeysFile      absolute path ON THE NODE of a file of public keys ({@code qm} reads the file)
 * @param ipConfig         {@code ipconfig0}
 * @param nameserver       DNS servers, space separated, if any
 * @param searchDomain     DNS search domain, if any
 * @param tags             tags (Proxmox tag syntax), may be empty
 * @param description      notes shown in the GUI, if any
 * @param onBoot           start the VM when the node boots
 * @param agent            enable the QEMU guest agent
 * @param ciUpgrade        whether cloud-init upgrades every package at first boot ({@code ciupgrade}); PVE 8/9
 *                         default to yes, which holds the package manager's lock while the init script wants it
 */
public record CreateVmSpec(VmId vmId, String name, int cores, int sockets, int memoryMiB,
                           Optional<Integer> balloonMiB, String cpuType, String osType, String bridge,
                           Optional<Integer> vlanTag, Optional<String> macAddress, String diskStorage,
                           Optional<String> importFrom, String cloudInitStorage, CloudInitSlot cloudInitSlot, String ciUser,
                           Optional<String> ciPassword, Optional<String> sshKeysFile, IpConfig ipConfig,
                           Optional<String> nameserver, Optional<String> searchDomain, List<String> tags,
                           Optional<String> description, boolean onBoot, boolean agent, boolean ciUpgrade) {

    /** Where the cloud-init drive is attached. */
    public enum CloudInitSlot {
        /** {@code ide2}: the classic place. */
        IDE2("ide2"),
        /** {@code scsi1}: for machines without IDE (e.g. aarch64). */
        SCSI1("scsi1");

        private final String key;

        CloudInitSlot(String key) {
            this.key = key;
        }

        /** @return the config key, {@code ide2} or {@code scsi1} */
        public String key() {
            return key;
        }
    }

    /** The {@code --ostype} values of PVE 8 and 9. */
    public static final Set<String> OS_TYPES = Set.of("other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7",
            "win8", "win10", "win11", "l24", "l26", "solaris");

    /** Validates and copies. */
    public CreateVmSpec {
        Objects.requireNonNull(vmId, "vmId");
        Checks.matches("name", Checks.DNS_NAME, name, "a DNS name (letters, digits, hyphens, dots)");
        Checks.atLeast("cores", cores, 1);
        Checks.atLeast("sockets", sockets, 1);
        Checks.atLeast("memory", memoryMiB, 16);
        Objects.requireNonNull(balloonMiB, "balloonMiB").ifPresent(b -> Checks.between("balloon", b, 0, memoryMiB));
        Checks.matches("cpuType", Checks.CPU_TYPE, cpuType, "a CPU model name");
        if (cpuType.equals("x86-64-v1")) {
            throw new InvalidSpecException("cpuType", "x86-64-v1 is not a Proxmox CPU model (use kvm64)");
        }
        if (!OS_TYPES.contains(Objects.requireNonNull(osType, "osType"))) {
            throw new InvalidSpecException("osType", "must be one of " + OS_TYPES + ", got '"
                    + InvalidSpecException.shorten(osType) + "'");
        }
        Checks.matches("bridge", Checks.BRIDGE, bridge, "a bridge name");
        Objects.requireNonNull(vlanTag, "vlanTag").ifPresent(t -> Checks.between("vlanTag", t, 1, 4094));
        Objects.requireNonNull(macAddress, "macAddress")
                .ifPresent(m -> Checks.matches("macAddress", Checks.MAC, m, "a unicast MAC XX:XX:XX:XX:XX:XX"));
        Checks.storage("diskStorage", diskStorage);
        Objects.requireNonNull(importFrom, "importFrom").ifPresent(f -> Checks.matches("importFrom",
                Checks.ABSOLUTE_PATH, f, "an absolute path without commas, quotes or control characters"));
        Checks.storage("cloudInitStorage", cloudInitStorage);
        Objects.requireNonNull(cloudInitSlot, "cloudInitSlot");
        Checks.matches("ciUser", java.util.regex.Pattern.compile("[a-z_][a-z0-9_\\-.]{0,31}"), ciUser,
                "a user name");
        Objects.requireNonNull(ciPassword, "ciPassword").ifPresent(p -> Checks.singleLine("ciPassword", p));
        Objects.requireNonNull(sshKeysFile, "sshKeysFile").ifPresent(f -> Checks.matches("sshKeysFile",
                Checks.ABSOLUTE_PATH, f, "an absolute path on the node"));
        Objects.requireNonNull(ipConfig, "ipConfig");
        Objects.requireNonNull(nameserver, "nameserver").ifPresent(n -> {
            for (String address : n.split(" ", -1)) {
                Checks.matches("nameserver", Checks.IPV4, address, "IPv4 addresses separated by single spaces");
            }
        });
        Objects.requireNonNull(searchDomain, "searchDomain")
                .ifPresent(d -> Checks.matches("searchDomain", Checks.DNS_NAME, d, "a DNS domain"));
        tags = List.copyOf(tags);
        tags.forEach(t -> Checks.matches("tags", Checks.TAG, t, "a Proxmox tag (letters, digits, _-+.)"));
        Objects.requireNonNull(description, "description").ifPresent(d -> {
            Checks.noControl("description", d);
            if (d.length() > 8192) {
                throw new InvalidSpecException("description", "must be at most 8192 characters");
            }
        });
    }

    /**
     * @param path absolute path on the node of the public-keys file {@code qm --sshkeys} reads
     * @return a copy naming that file
     */
    public CreateVmSpec withSshKeysFile(String path) {
        return new CreateVmSpec(vmId, name, cores, sockets, memoryMiB, balloonMiB, cpuType, osType, bridge, vlanTag,
                macAddress, diskStorage, importFrom, cloudInitStorage, cloudInitSlot, ciUser, ciPassword,
                Optional.of(path), ipConfig, nameserver, searchDomain, tags, description, onBoot, agent, ciUpgrade);
    }

    /** @return a builder with pveq's defaults: 1 core, 1 socket, 2048 MiB, kvm64, l26, vmbr0, ide2, agent on, no upgrade at first boot */
    public static Builder builder(VmId vmId, String name) {
        return new Builder(vmId, name);
    }

    /** Builds a {@link CreateVmSpec}. Not thread-safe. */
    public static final class Builder {
        private final VmId vmId;
        private final String name;
        private int cores = 1;
        private int sockets = 1;
        private int memoryMiB = 2048;
        private Integer balloonMiB;
        private String cpuType = "kvm64";
        private String osType = "l26";
        private String bridge = "vmbr0";
        private Integer vlanTag;
        private String macAddress;
        private String diskStorage = "local-lvm";
        private String importFrom;
        private String cloudInitStorage;
        private CloudInitSlot cloudInitSlot = CloudInitSlot.IDE2;
        private String ciUser = "root";
        private String ciPassword;
        private String sshKeysFile;
        private IpConfig ipConfig = IpConfig.dhcp();
        private String nameserver;
        private String searchDomain;
        private List<String> tags = List.of();
        private String description;
        private boolean onBoot;
        private boolean agent = true;
        private boolean ciUpgrade;

        private Builder(VmId vmId, String name) {
            this.vmId = vmId;
            this.name = name;
        }

        /** @return this; sets cores per socket and sockets */
        public Builder cpu(int cores, int sockets) {
            this.cores = cores;
            this.sockets = sockets;
            return this;
        }

        /** @return this; sets memory in MiB */
        public Builder memoryMiB(int memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        /** @return this; sets the balloon target in MiB (0 disables ballooning) */
        public Builder balloonMiB(int balloonMiB) {
            this.balloonMiB = balloonMiB;
            return this;
        }

        /** @return this; sets the CPU model */
        public Builder cpuType(String cpuType) {
            this.cpuType = cpuType;
            return this;
        }

        /** @return this; sets the OS type */
        public Builder osType(String osType) {
            this.osType = osType;
            return this;
        }

        /** @return this; sets the bridge and (nullable) VLAN tag of {@code net0} */
        public Builder network(String bridge, Integer vlanTag) {
            this.bridge = bridge;
            this.vlanTag = vlanTag;
            return this;
        }

        /** @return this; fixes the MAC address of {@code net0} */
        public Builder macAddress(String macAddress) {
            this.macAddress = macAddress;
            return this;
        }

        /** @return this; sets the storage and the image file (absolute path on the node) of the system disk */
        public Builder systemDisk(String storage, String importFrom) {
            this.diskStorage = storage;
            this.importFrom = importFrom;
            return this;
        }

        /** @return this; sets the storage for disks without importing anything during the create */
        public Builder diskStorage(String storage) {
            this.diskStorage = storage;
            this.importFrom = null;
            return this;
        }

        /** @return this; sets the cloud-init drive's storage and slot */
        public Builder cloudInitDrive(String storage, CloudInitSlot slot) {
            this.cloudInitStorage = storage;
            this.cloudInitSlot = slot;
            return this;
        }

        /** @return this; sets the cloud-init user and (nullable) password */
        public Builder ciUser(String user, String password) {
            this.ciUser = user;
            this.ciPassword = password;
            return this;
        }

        /** @return this; sets the path on the node of the public-keys file */
        public Builder sshKeysFile(String path) {
            this.sshKeysFile = path;
            return this;
        }

        /** @return this; sets {@code ipconfig0} and (nullable) DNS settings */
        public Builder ipConfig(IpConfig ipConfig, String nameserver, String searchDomain) {
            this.ipConfig = ipConfig;
            this.nameserver = nameserver;
            this.searchDomain = searchDomain;
            return this;
        }

        /** @return this; sets tags */
        public Builder tags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        /** @return this; sets the (nullable) description */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** @return this; sets start-on-boot */
        public Builder onBoot(boolean onBoot) {
            this.onBoot = onBoot;
            return this;
        }

        /** @return this; enables or disables the guest agent */
        public Builder agent(boolean agent) {
            this.agent = agent;
            return this;
        }

        /** @return this; sets whether cloud-init upgrades packages at first boot (default no) */
        public Builder ciUpgrade(boolean upgrade) {
            this.ciUpgrade = upgrade;
            return this;
        }

        /**
         * @return the spec
         * @throws InvalidSpecException when a value breaks a rule
         */
        public CreateVmSpec build() {
            return new CreateVmSpec(vmId, name, cores, sockets, memoryMiB, Optional.ofNullable(balloonMiB), cpuType,
                    osType, bridge, Optional.ofNullable(vlanTag), Optional.ofNullable(macAddress), diskStorage,
                    Optional.ofNullable(importFrom), cloudInitStorage == null ? diskStorage : cloudInitStorage, cloudInitSlot, ciUser,
                    Optional.ofNullable(ciPassword), Optional.ofNullable(sshKeysFile), ipConfig,
                    Optional.ofNullable(nameserver), Optional.ofNullable(searchDomain), tags,
                    Optional.ofNullable(description), onBoot, agent, ciUpgrade);
        }
    }
}
