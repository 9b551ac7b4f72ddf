package io.pveq.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a provisioner needs to know about the site, typed. Built with {@link #builder()} (or through
 * {@link VmProvisioner.Builder}); validation names the setting at fault by its builder name
 * ({@code storage}, {@code mainNode}, {@code gateway}, {@code prefixLength}, {@code ipRangeStart},
 * {@code ipRangeEnd}, {@code ipPool}, {@code bridge}, {@code nameservers}, {@code searchDomain},
 * {@code maxCpu}, {@code maxRamMb}, {@code maxDiskGb}, {@code balloonMinMb}, {@code rootPassword},
 * {@code heavyTasksPerNode}, {@code imageStorage}). Immutable.
 *
 * @param mainNode          where new VMs go when an install names no node; empty: the connection's default
 *                          (the main node of a command-line cluster, the REST API's answering node)
 * @param storage           storage for VM disks, e.g. {@code local-zfs}
 * @param network           gateway, addressing, bridge, DNS
 * @param limits            VM size limits
 * @param rootPassword      root password handed to the OS init script on standard input; empty: none set
 * @param cpuOverride       CPU model to use instead of detecting the cluster's level
 * @param timeouts          time limits
 * @param heavyTasksPerNode disk-heavy steps (image placement, import, migration) allowed at once per node, 1-16
 * @param imagePlacement    how images reach a node over the REST API (default {@link ImagePlacement#AUTO})
 * @param imageStorage      the file-based storage with {@code import} content that images go to over the REST
 *                          API; empty: the first such storage of the node ({@code local} preferred)
 * @param guestAccess       how new guests are driven (default {@link GuestAccessMode#AUTO})
 * @param guestInit         site choices the OS init script applies in every new VM (the server's {@code GUEST_*})
 */
public record ProvisionerSettings(Optional<NodeName> mainNode, String storage, NetworkSettings network, VmLimits limits,
                                  Optional<Secret> rootPassword, Optional<CpuLevel> cpuOverride, Timeouts timeouts,
                                  int heavyTasksPerNode, ImagePlacement imagePlacement, Optional<String> imageStorage,
                                  GuestAccessMode guestAccess, GuestInitOptions guestInit) {

    private static final Pattern STORAGE = Pattern.compile("[a-z][a-z0-9._-]*[a-z0-9]");

    /** @throws InvalidSpecException naming the setting at fault */
    public ProvisionerSettings {
        Objects.requireNonNull(mainNode, "mainNode");
        checkStorage("storage", storage);
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(rootPassword, "rootPassword");
        rootPassword.ifPresent(p -> {
            if (p.isEmpty() || p.reveal().chars().anyMatch(Character::isISOControl)) {
                throw new InvalidSpecException("rootPassword", "must be non-empty without control characters");
            }
        });
        Objects.requireNonNull(cpuOverride, "cpuOverride");
        Objects.requireNonNull(timeouts, "timeouts");
        if (heavyTasksPerNode < 1 || heavyTasksPerNode > 16) {
            throw new InvalidSpecException("heavyTasksPerNode", "must be between 1 and 16, got " + heavyTasksPerNode);
        }
        Objects.requireNonNull(imagePlacement, "imagePlacement");
        Objects.requireNonNull(imageStorage, "imageStorage").ifPresent(s -> checkStorage("imageStorage", s));
        Objects.requireNonNull(guestAccess, "guestAccess");
        Objects.requireNonNull(guestInit, "guestInit");
    }

    private static void checkStorage(String field, String storage) {
        if (storage == null || !STORAGE.matcher(storage).matches()) {
            throw new InvalidSpecException(field, "must be a Proxmox storage id such as local-zfs, got '"
                    + InvalidSpecException.shorten(storage) + "'");
        }
    }

    /** @return a builder with pveq's defaults; storage and gateway must be set */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Time limits, each positive.
     *
     * @param command            an ordinary Proxmox call (status, config, set)
     * @param longCommand        a long task: create with import, disk import, migrate, destroy, a node's download
     * @param sshReady           how long a booting VM gets to accept SSH (or to answer through its agent)
     * @param initScript         the OS init script inside the VM
     * @param shutdown           ACPI shutdown before giving up (or forcing)
     * @param addressProbe       one "is this address in use" probe
     * @param cpuLevelCache      how long detected CPU levels are reused
     * @param operationRetention how long finished operations stay listed
     */
    public record Timeouts(Duration command, Duration longCommand, Duration sshReady, Duration initScript,
                           Duration shutdown, Duration addressProbe, Duration cpuLevelCache,
                           Duration operationRetention) {

        /** pveq's defaults: 2 min, 30 min, 5 min, 20 min, 3 min, 300 ms, 10 min, 1 h. */
        public static final Timeouts DEFAULTS = new Timeouts(Duration.ofMinutes(2), Duration.ofMinutes(30),
                Duration.ofMinutes(5), Duration.ofMinutes(20), Duration.ofMinutes(3), Duration.ofMillis(300),
                Duration.ofMinutes(10), Duration.ofHours(1));

        /** @throws IllegalArgumentException when one is null, zero or negative */
        public Timeouts {
            for (Duration d : new Duration[] {command, longCommand, sshReady, initScript, shutdown, addressProbe,
                cpuLevelCache, operationRetention}) {
                if (d == null || d.isZero() || d.isNegative()) {
                    throw new IllegalArgumentException("timeouts must be positive, got " + d);
                }
            }
        }

        /** @return these limits with another {@link #sshReady} */
        public Timeouts withSshReady(Duration value) {
            return new Timeouts(command, longCommand, value, initScript, shutdown, addressProbe, cpuLevelCache,
                    operationRetention);
        }

        /** @return these limits with another {@link #initScript} */
        public Timeouts withInitScript(Duration value) {
            return new Timeouts(command, longCommand, sshReady, value, shutdown, addressProbe, cpuLevelCache,
                    operationRetention);
        }

        /** @return these limits with another {@link #operationRetention} */
        public Timeouts withOperationRetention(Duration value) {
            return new Timeouts(command, longCommand, sshReady, initScript, shutdown, addressProbe, cpuLevelCache,
                    value);
        }
    }

    /** Collects settings with typed setters; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private NodeName mainNode;
        private String storage;
        private Ipv4Address gateway;
        private int prefixLength = 24;
        private AddressingMode addressing = AddressingMode.DEFAULT;
        private String bridge = "vmbr0";
        private final List<Ipv4Address> nameservers = new ArrayList<>();
        private String searchDomain;
        private VmLimits limits = VmLimits.NONE;
        private Secret rootPassword;
        private CpuLevel cpuOverride;
        private Timeouts timeouts = Timeouts.DEFAULTS;
        private int heavyTasksPerNode = 2;
        private GuestInitOptions guestInit = GuestInitOptions.NONE;
        private ImagePlacement imagePlacement = ImagePlacement.AUTO;
        private String imageStorage;
        private GuestAccessMode guestAccess = GuestAccessMode.AUTO;

        private Builder() {
        }

        /** @param node where installs go when they name no node (default: the connection's) @return this */
        public Builder mainNode(NodeName node) {
            this.mainNode = Objects.requireNonNull(node, "node");
            return this;
        }

        /** @param storage storage for VM disks, e.g. {@code local-zfs} (required) @return this */
        public Builder storage(String storage) {
            this.storage = storage;
            return this;
        }

        /** @param gateway the VMs' gateway (required); in VMID addressing its /24 gives the addresses @return this */
        public Builder gateway(Ipv4Address gateway) {
            this.gateway = Objects.requireNonNull(gateway, "gateway");
            return this;
        }

        /** @param prefixLength the network's prefix length, 8-30 (default 24) @return this */
        public Builder prefixLength(int prefixLength) {
            this.prefixLength = prefixLength;
            return this;
        }

        /** @param addressing how addresses are chosen (default VMID addressing 100-254) @return this */
        public Builder addressing(AddressingMode addressing) {
            this.addressing = Objects.requireNonNull(addressing, "addressing");
            return this;
        }

        /**
         * VMID addressing with this range: the address's last octet is the VMID.
         *
         * @param first lowest VMID, at least 100
         * @param last  highest VMID, at most 254
         * @return this
         * @throws InvalidSpecException naming {@code ipRangeStart} or {@code ipRangeEnd}
         */
        public Builder ipRange(int first, int last) {
            return addressing(new AddressingMode.VmidOctet(first, last));
        }

        /**
         * Pool addressing: addresses {@code first} to {@code last}, for VMIDs of any value.
         *
         * @return this
         * @throws InvalidSpecException naming {@code ipPool}
         */
        public Builder ipPool(Ipv4Address first, Ipv4Address last) {
            return addressing(new AddressingMode.Pool(first, last));
        }

        /** @param bridge the Linux bridge for {@code net0} (default {@code vmbr0}) @return this */
        public Builder bridge(String bridge) {
            this.bridge = bridge;
            return this;
        }

        /** @param servers DNS servers for cloud-init, at most 3 (default none: the node's) @return this */
        public Builder nameservers(List<Ipv4Address> servers) {
            nameservers.clear();
            nameservers.addAll(servers);
            return this;
        }

        /** @param domain DNS search domain for cloud-init; null for none @return this */
        public Builder searchDomain(String domain) {
            this.searchDomain = domain;
            return this;
        }

        /** @param limits VM size limits (default {@link VmLimits#NONE}) @return this */
        public Builder limits(VmLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** @param password root password handed to the init script on standard input; null for none @return this */
        public Builder rootPassword(Secret password) {
            this.rootPassword = password;
            return this;
        }

        /** @param level CPU model for every VM instead of detecting the cluster's level; null to detect @return this */
        public Builder cpuType(CpuLevel level) {
            this.cpuOverride = level;
            return this;
        }

        /** @param timeouts the time limits (default {@link Timeouts#DEFAULTS}) @return this */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** @param count disk-heavy steps at once per node, 1-16 (default 2) @return this */
        public Builder heavyTasksPerNode(int count) {
            this.heavyTasksPerNode = count;
            return this;
        }

        /** @param options what the OS init script applies in new VMs (default {@link GuestInitOptions#NONE}) */
        public Builder guestInit(GuestInitOptions options) {
            this.guestInit = Objects.requireNonNull(options, "options");
            return this;
        }

        /** @param placement how images reach a node over the REST API (default auto) @return this */
        public Builder imagePlacement(ImagePlacement placement) {
            this.imagePlacement = Objects.requireNonNull(placement, "placement");
            return this;
        }

        /** @param storage the storage with {@code import} content for images; null to find one @return this */
        public Builder imageStorage(String storage) {
            this.imageStorage = storage;
            return this;
        }

        /** @param mode how new guests are driven (default auto) @return this */
        public Builder guestAccess(GuestAccessMode mode) {
            this.guestAccess = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @return the settings
         * @throws InvalidSpecException naming the first missing or invalid setting
         */
        public ProvisionerSettings build() {
            if (storage == null) {
                throw new InvalidSpecException("storage", "is required: the storage for VM disks, e.g. local-zfs");
            }
            if (gateway == null) {
                throw new InvalidSpecException("gateway", "is required, e.g. 192.168.0.1");
            }
            NetworkSettings network = new NetworkSettings(gateway, prefixLength, addressing, bridge, nameservers,
                    Optional.ofNullable(searchDomain).map(String::strip).filter(s -> !s.isEmpty()));
            return new ProvisionerSettings(Optional.ofNullable(mainNode), storage, network, limits,
                    Optional.ofNullable(rootPassword), Optional.ofNullable(cpuOverride), timeouts, heavyTasksPerNode,
                    imagePlacement, Optional.ofNullable(imageStorage), guestAccess, guestInit);
        }
    }
}
