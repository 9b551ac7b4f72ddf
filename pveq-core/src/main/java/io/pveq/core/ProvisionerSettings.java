package io.pveq.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Everything a provisioner needs to know about the site, typed. The server fills it from its
 * environment through {@link #builder()}; validation names the setting at fault by the variable
 * name SPEC.md gives it ({@code MAIN_NODE}, {@code NODE_<name>}, {@code ASSIGN_STORAGE},
 * {@code GATEWAY}, {@code ASSIGN_IP_START}, {@code ASSIGN_IP_END}, {@code VM_MAX_CPU},
 * {@code VM_MAX_RAM}, {@code VM_MAX_DISK}, {@code VM_BALLOON_MIN}, {@code VM_ROOT_PASSWORD}) or,
 * for pveq's own settings, by the name the server should use for its variable
 * ({@code PREFIX_LENGTH}, {@code IP_POOL}, {@code BRIDGE}, {@code NAMESERVERS},
 * {@code SEARCH_DOMAIN}, {@code CPU_TYPE}, {@code NODE_HEAVY_TASKS}). Immutable.
 *
 * @param mainNode         the main node ({@code MAIN_NODE}); cluster state is read there
 * @param nodeAddresses    address (IPv4 literal or host name) of each node ({@code NODE_<name>}), sorted by name
 * @param storage          storage for imported disks ({@code ASSIGN_STORAGE})
 * @param network          gateway, addressing, bridge, DNS
 * @param limits           VM size limits
 * @param rootPassword     root password handed to the OS init script on standard input ({@code VM_ROOT_PASSWORD}); empty: none set
 * @param cpuOverride      CPU model to use instead of detecting the cluster's level ({@code CPU_TYPE})
 * @param timeouts         time limits
 * @param heavyTasksPerNode disk-heavy steps (image placement, import, migration) allowed at once per node, 1-16
 * @param guestInit        site choices the OS init script applies in every new VM ({@code GUEST_*})
 */
public record ProvisionerSettings(NodeName mainNode, Map<NodeName, String> nodeAddresses, String storage,
                                  NetworkSettings network, VmLimits limits, Optional<Secret> rootPassword,
                                  Optional<CpuLevel> cpuOverride, Timeouts timeouts, int heavyTasksPerNode,
                                  GuestInitOptions guestInit) {

    private static final Pattern STORAGE = Pattern.compile("[a-z][a-z0-9._-]*[a-z0-9]");
    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** @throws InvalidSpecException naming the setting at fault */
    public ProvisionerSettings {
        if (mainNode == null) {
            throw new InvalidSpecException("MAIN_NODE", "is required, e.g. pve1");
        }
        nodeAddresses = java.util.Collections.unmodifiableMap(new TreeMap<>(nodeAddresses));
        nodeAddresses.forEach((node, address) -> {
            if (address == null || !HOST.matcher(address).matches()) {
                throw new InvalidSpecException("NODE_" + node, "must be an IPv4 address or host name, got '"
                        + InvalidSpecException.shorten(address) + "'");
            }
        });
        if (storage == null || !STORAGE.matcher(storage).matches()) {
            throw new InvalidSpecException("ASSIGN_STORAGE", "must be a Proxmox storage id such as local-zfs, got '"
                    + InvalidSpecException.shorten(storage) + "'");
        }
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(rootPassword, "rootPassword");
        rootPassword.ifPresent(p -> {
            if (p.isEmpty() || p.reveal().chars().anyMatch(Character::isISOControl)) {
                throw new InvalidSpecException("VM_ROOT_PASSWORD", "must be non-empty without control characters");
            }
        });
        Objects.requireNonNull(cpuOverride, "cpuOverride");
        Objects.requireNonNull(timeouts, "timeouts");
        if (heavyTasksPerNode < 1 || heavyTasksPerNode > 16) {
            throw new InvalidSpecException("NODE_HEAVY_TASKS", "must be between 1 and 16, got " + heavyTasksPerNode);
        }
        Objects.requireNonNull(guestInit, "guestInit");
    }

    /** @return a builder with pveq's defaults; main node, storage and gateway must be set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return every configured node: the main node and each node with an address, sorted */
    public List<NodeName> configuredNodes() {
        TreeMap<NodeName, Boolean> all = new TreeMap<>();
        all.put(mainNode, true);
        nodeAddresses.keySet().forEach(n -> all.put(n, true));
        return List.copyOf(all.keySet());
    }

    /**
     * Time limits, each positive.
     *
     * @param command            an ordinary {@code qm}/{@code pvesh} command (status, config, set)
     * @param longCommand        a long task command: create with import, disk import, migrate, destroy
     * @param sshReady           how long a booting VM gets to accept SSH
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
    }

    /**
     * Collects settings; raw-text setters check their value at once and name the setting in the
     * exception. Not thread-safe.
     */
    public static final class Builder {
        private NodeName mainNode;
        private final Map<NodeName, String> nodes = new TreeMap<>();
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

        private Builder() {
        }

        private static <T> T named(String setting, Supplier<T> parse) {
            try {
                return parse.get();
            } catch (InvalidSpecException e) {
                throw e.field().equals(setting) ? e : new InvalidSpecException(setting, e.rule());
            }
        }

        /**
         * @param name {@code MAIN_NODE}
         * @return this
         * @throws InvalidSpecException naming {@code MAIN_NODE}
         */
        public Builder mainNode(String name) {
            this.mainNode = named("MAIN_NODE", () -> NodeName.of(name));
            return this;
        }

        /**
         * @param name    the node name (the {@code <name>} of {@code NODE_<name>})
         * @param address its IPv4 address or host name
         * @return this
         * @throws InvalidSpecException naming {@code NODE_<name>}
         */
        public Builder node(String name, String address) {
            NodeName node = named("NODE_" + name, () -> NodeName.of(name));
            nodes.put(node, address);
            return this;
        }

        /**
         * @param storage {@code ASSIGN_STORAGE}
         * @return this
         */
        public Builder storage(String storage) {
            this.storage = storage;
            return this;
        }

        /**
         * @param gateway {@code GATEWAY}
         * @return this
         * @throws InvalidSpecException naming {@code GATEWAY}
         */
        public Builder gateway(String gateway) {
            this.gateway = Ipv4Address.parse("GATEWAY", gateway);
            return this;
        }

        /**
         * @param prefixLength {@code PREFIX_LENGTH}, 8-30 (default 24)
         * @return this
         */
        public Builder prefixLength(int prefixLength) {
            this.prefixLength = prefixLength;
            return this;
        }

        /**
         * VMID addressing with this range (the default mode, 100-254).
         *
         * @param start {@code ASSIGN_IP_START}
         * @param end   {@code ASSIGN_IP_END}
         * @return this
         * @throws InvalidSpecException naming {@code ASSIGN_IP_START} or {@code ASSIGN_IP_END}
         */
        public Builder ipRange(int start, int end) {
            this.addressing = new AddressingMode.VmidOctet(start, end);
            return this;
        }

        /**
         * @param pool {@code IP_POOL}, e.g. {@code 192.168.0.50-192.168.0.99}: pool addressing
         * @return this
         */
        public Builder ipPool(String pool) {
            this.addressing = AddressingMode.Pool.parse(pool);
            return this;
        }

        /**
         * @param bridge {@code BRIDGE} (default {@code vmbr0})
         * @return this
         */
        public Builder bridge(String bridge) {
            this.bridge = bridge;
            return this;
        }

        /**
         * @param list {@code NAMESERVERS}, comma-separated IPv4 addresses; blank for none
         * @return this
         */
        public Builder nameservers(String list) {
            nameservers.clear();
            if (list != null && !list.isBlank()) {
                for (String part : list.split(",")) {
                    nameservers.add(Ipv4Address.parse("NAMESERVERS", part.strip()));
                }
            }
            return this;
        }

        /**
         * @param domain {@code SEARCH_DOMAIN}; null or blank for none
         * @return this
         */
        public Builder searchDomain(String domain) {
            this.searchDomain = domain == null || domain.isBlank() ? null : domain.strip();
            return this;
        }

        /**
         * @param maxCpu       {@code VM_MAX_CPU}, null for none
         * @param maxRamMb     {@code VM_MAX_RAM}, null for none
         * @param maxDiskGb    {@code VM_MAX_DISK}, null for none
         * @param balloonMinMb {@code VM_BALLOON_MIN}, null for none
         * @return this
         * @throws InvalidSpecException naming the variable out of range
         */
        public Builder limits(Integer maxCpu, Integer maxRamMb, Integer maxDiskGb, Integer balloonMinMb) {
            this.limits = new VmLimits(opt(maxCpu), opt(maxRamMb), opt(maxDiskGb), opt(balloonMinMb));
            return this;
        }

        private static OptionalInt opt(Integer value) {
            return value == null ? OptionalInt.empty() : OptionalInt.of(value);
        }

        /**
         * @param password {@code VM_ROOT_PASSWORD}; null or empty for none
         * @return this
         */
        public Builder rootPassword(String password) {
            this.rootPassword = password == null || password.isEmpty() ? null : Secret.of(password);
            return this;
        }

        /**
         * @param model {@code CPU_TYPE}: one of the {@link CpuLevel} models; null or blank to detect
         * @return this
         */
        public Builder cpuType(String model) {
            this.cpuOverride = model == null || model.isBlank() ? null : CpuLevel.fromModel("CPU_TYPE", model);
            return this;
        }

        /**
         * @param timeouts the time limits (default {@link Timeouts#DEFAULTS})
         * @return this
         */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /**
         * @param count {@code NODE_HEAVY_TASKS}, 1-16 (default 2)
         * @return this
         */
        public Builder heavyTasksPerNode(int count) {
            this.heavyTasksPerNode = count;
            return this;
        }

        /** @param options what the OS init script applies in new VMs (default {@link GuestInitOptions#NONE}) */
        public Builder guestInit(GuestInitOptions options) {
            this.guestInit = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * @return the settings
         * @throws InvalidSpecException naming the first missing or invalid setting
         */
        public ProvisionerSettings build() {
            if (mainNode == null) {
                throw new InvalidSpecException("MAIN_NODE", "is required, e.g. pve1");
            }
            if (storage == null) {
                throw new InvalidSpecException("ASSIGN_STORAGE", "is required, e.g. local-zfs");
            }
            if (gateway == null) {
                throw new InvalidSpecException("GATEWAY", "is required, e.g. 192.168.0.1");
            }
            NetworkSettings network = new NetworkSettings(gateway, prefixLength, addressing, bridge, nameservers,
                    Optional.ofNullable(searchDomain));
            return new ProvisionerSettings(mainNode, nodes, storage, network, limits, Optional.ofNullable(rootPassword),
                    Optional.ofNullable(cpuOverride), timeouts, heavyTasksPerNode, guestInit);
        }
    }
}
