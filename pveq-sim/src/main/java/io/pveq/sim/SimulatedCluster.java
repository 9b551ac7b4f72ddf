package io.pveq.sim;

import io.pveq.core.AddressProbe;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.guest.GuestAccess;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.FaultHook;
import io.pveq.sim.internal.SimGuestAccess;
import io.pveq.sim.internal.SimTime;
import io.pveq.sim.internal.Snapshots;
import io.pveq.sim.internal.qemu.RealGuestAccess;
import io.pveq.sim.internal.qemu.Reaper;
import io.pveq.sim.internal.api.AccessSetup;
import io.pveq.sim.internal.api.ApiServer;
import io.pveq.sim.internal.api.ApiTestHook;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.FolderStateStore;
import io.pveq.sim.internal.state.MemoryStateStore;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.RealGuestsState;
import io.pveq.sim.internal.state.StateStore;
import io.pveq.sim.internal.state.StorageState;
import io.pveq.sim.internal.state.VmState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated Proxmox VE cluster: nodes that answer {@code qm}, {@code pvesh} and {@code pvesm} like
 * PVE 8.4 / 9.1 do, sharing one cluster state (VMIDs unique cluster-wide, claimed atomically), with
 * simulated guests, an address probe for the simulated network and fault injection.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.builder().clock(SimClock.create()).build()) {
 *     CommandTransport pve1 = cluster.transport(NodeName.of("pve1"));
 *     pve1.run(List.of("qm", "create", "100", "--name", "web", "--memory", "2048"));
 * }
 * }</pre>
 *
 * <p>By default three nodes {@code pve1..pve3} (addresses {@code 127.0.10.11..13}) each with storages
 * {@code local} (dir) and {@code local-lvm} (lvmthin), PVE 8.4, speed 1 on the system clock. State
 * lives in memory unless {@link Builder#stateFolder(Path)} is given; then several processes share it.
 * Thread-safe; {@link #close()} releases nothing but marks the transports closed.
 */
public final class SimulatedCluster implements AutoCloseable {

    private final StateStore store;
    private final Engine engine;
    private final SimFaults faults;
    private final SimTime time;
    private final PveRelease release;
    private final GuestAccess guestAccess;
    private final Map<String, SimCommandTransport> transports = new ConcurrentHashMap<>();
    /** Set when this cluster owns real guests: their owner mark, work folder and crash watcher. */
    private final RealGuestsOwner realOwner;

    /** What the process that enabled real guests holds to end them. */
    private record RealGuestsOwner(String owner, Path workFolder, boolean temporary, Process watcher) {
    }
    private final SimApi api;

    private SimulatedCluster(Builder builder) {
        this.release = builder.release;
        this.faults = new SimFaults(builder.seed);
        Clock clock = builder.clock != null ? builder.clock : Clock.systemUTC();
        SimClock virtual = builder.clock;
        this.time = new SimTime(clock, virtual == null ? null : virtual::advance, builder.speed);
        this.store = builder.folder != null ? new FolderStateStore(builder.folder) : new MemoryStateStore();
        store.initialise(builder.initialState(clock.millis()));
        FaultHook hook = new FaultHook() {
            @Override
            public Optional<SimFault> match(String node, List<String> argv) {
                return faults.match(node, argv);
            }

            @Override
            public Optional<SimFault> matchApi(String node, String method, String template, String vmid) {
                return faults.matchApi(node, method, template, vmid);
            }

            @Override
            public Optional<Integer> takeScriptFailure(int vmid) {
                return faults.takeScriptFailure(vmid);
            }

            @Override
            public boolean guestUnreachable(int vmid) {
                return faults.guestUnreachable(vmid);
            }
        };
        this.engine = new Engine(store, time, release, hook, builder.seed, builder.bootDelay, builder.refresh);
        if (builder.realGuests != null) {
            this.realOwner = enableRealGuests(builder.realGuests);
            this.guestAccess = builder.realGuests.guestAccess()
                    .<GuestAccess>map(ssh -> new RealGuestAccess(ssh, engine::qemu))
                    .orElseGet(() -> new SimGuestAccess(engine, builder.seed, builder.requireGuestKey));
        } else {
            this.realOwner = null;
            this.guestAccess = new SimGuestAccess(engine, builder.seed, builder.requireGuestKey);
        }
        store.write(state -> {
            builder.access.apply(state.access);
            return null;
        });
        this.api = builder.apiOptions == null ? null : new SimApi(new ApiServer(engine, release, builder.apiOptions,
                Optional.ofNullable(builder.folder), ApiTestHook.installed()));
    }

    private RealGuestsOwner enableRealGuests(RealGuests real) {
        boolean temporary = real.workFolder().isEmpty();
        Path work;
        try {
            work = temporary ? Files.createTempDirectory(Path.of("/tmp"), "pveq-rg-")
                    : Files.createDirectories(real.workFolder().get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the real guests' work folder", e);
        }
        RealGuestsState config = new RealGuestsState();
        config.qemu = real.qemu().toString();
        config.workFolder = work.toString();
        config.repository = real.repository().map(Path::toString).orElse(null);
        config.owner = UUID.randomUUID().toString();
        config.stopTimeoutSeconds = Math.max(1, real.stopTimeout().toSeconds());
        store.write(state -> {
            state.realGuests = config;
            return null;
        });
        return new RealGuestsOwner(config.owner, work, temporary, Reaper.watch(config.owner, work));
    }


    /** @return a builder with the defaults described above */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the node names, in configuration order */
    public List<NodeName> nodes() {
        return store.read(state -> state.nodes.stream().map(n -> NodeName.of(n.name)).toList());
    }

    /** @return every node's hardware, address and current online state, in configuration order */
    public List<SimNode> nodeDetails() {
        return store.read(state -> state.nodes.stream().map(n -> new SimNode(NodeName.of(n.name), n.address,
                n.cpuModel, n.cpuFlags, n.cores, n.memoryBytes, n.online)).toList());
    }

    /**
     * @return the shared in-process transport to {@code node}; it also implements
     *         {@link io.pveq.core.transport.FileTransfer}
     * @throws InvalidSpecException when the cluster has no such node
     */
    public SimCommandTransport transport(NodeName node) {
        boolean known = store.read(state -> state.node(node.value()).isPresent());
        if (!known) {
            throw new InvalidSpecException("node", "the simulated cluster has no node '" + node + "'");
        }
        return transports.computeIfAbsent(node.value(), name -> new SimCommandTransport(engine, node));
    }

    /**
     * @return this cluster reached through its simulated {@code qm}/{@code pvesh} (the CLI dialect), every node
     *         through an in-process transport of its own (closing it closes only these), the first node as the
     *         main node; give it to
     *         {@link io.pveq.core.VmProvisioner.Builder#connect}. (Its REST API face is reached through
     *         {@code pveq-api}'s {@code ProxmoxApi} with {@link #api()}'s URL, token and fingerprint.)
     */
    public io.pveq.core.CommandLineCluster commandLine() {
        io.pveq.core.CommandLineCluster.Builder b = io.pveq.core.CommandLineCluster.builder();
        List<NodeName> names = nodes();
        names.forEach(n -> b.node(n, new SimCommandTransport(engine, n)));
        return b.mainNode(names.get(0)).build();
    }

    /**
     * A provisioner builder set up for this cluster the way a test wants it: connected through
     * {@link #commandLine()}, guests through {@link #guestAccess()}, addresses probed on the simulated
     * network ({@link #addressProbe()}), disks on {@code local-lvm}, VMs at {@code 127.0.10.<vmid>} behind
     * gateway {@code 127.0.10.1}. Add an image provider (and change anything else) before {@code build()}.
     *
     * <pre>{@code
     * try (VmProvisioner pveq = cluster.provisioner().images(images).build()) { ... }
     * }</pre>
     *
     * @return the builder
     */
    public io.pveq.core.VmProvisioner.Builder provisioner() {
        return io.pveq.core.VmProvisioner.builder().connect(commandLine()).guests(guestAccess())
                .addressProbe(addressProbe()).storage("local-lvm")
                .gateway(io.pveq.core.Ipv4Address.of(127, 0, 10, 1));
    }

    /**
     * @return guest access for this cluster's guests: the simulator's for simulated guests (see
     *         {@link SimGuest}), the one given in {@link RealGuests} for real ones, with the serial console's
     *         tail added to readiness timeouts; thread-safe, shared
     */
    public GuestAccess guestAccess() {
        return guestAccess;
    }

    /**
     * @return a probe answering from the simulated network: node addresses, the {@code ipconfig0}
     *         address of every running VM, and addresses marked with {@link #occupyAddress}
     */
    public AddressProbe addressProbe() {
        return (address, timeout) -> store.read(state -> Snapshots.addressInUse(state, address.getHostAddress()));
    }

    /**
     * @return the REST API face
     * @throws IllegalStateException when the cluster was built without {@link Builder#api()}
     */
    public SimApi api() {
        if (api == null) {
            throw new IllegalStateException("the simulated cluster was built without .api(): no REST API is served");
        }
        return api;
    }

    /** @return true when the cluster serves its REST API ({@link Builder#api()}) */
    public boolean servesApi() {
        return api != null;
    }

    /** @return the fault injection of this cluster */
    public SimFaults faults() {
        return faults;
    }

    /** @return the release imitated */
    public PveRelease release() {
        return release;
    }

    /** @return the clock the simulator runs on (a {@link SimClock} when virtual) */
    public Clock clock() {
        return time.clock();
    }

    /** Takes a node down or brings it back: its transport then throws, others see it offline. */
    public void setNodeOnline(NodeName node, boolean online) {
        store.write(state -> {
            NodeState n = state.node(node.value())
                    .orElseThrow(() -> new InvalidSpecException("node", "no node '" + node + "'"));
            n.online = online;
            return null;
        });
    }

    /** Marks an address as held by a host outside the cluster (the address probe reports it in use). */
    public void occupyAddress(String address) {
        store.write(state -> state.occupiedAddresses.add(Objects.requireNonNull(address)));
    }

    /** Undoes {@link #occupyAddress}. */
    public void releaseAddress(String address) {
        store.write(state -> state.occupiedAddresses.remove(address));
    }

    /** Sets or clears ({@code Optional.empty()}) the config lock of a VM, e.g. {@code backup}. */
    public void setConfigLock(VmId vmId, Optional<String> lock) {
        store.write(state -> {
            VmState vm = state.vms.get(vmId.value());
            if (vm == null) {
                throw new io.pveq.core.VmNotFoundException(vmId);
            }
            lock.ifPresentOrElse(l -> vm.config.put("lock", l), () -> vm.config.remove("lock"));
            return null;
        });
    }

    /** @return every guest id (VMs and containers), ascending */
    public List<VmId> vmIds() {
        return store.read(state -> state.vms.keySet().stream().map(VmId::of).toList());
    }

    /** @return the VM's config as {@code qm config} prints it (sorted, password masked), if it exists */
    public Optional<SortedMap<String, String>> vmConfig(VmId vmId) {
        return store.read(state -> Optional.ofNullable(state.vms.get(vmId.value())).map(Snapshots::config));
    }

    /** @return the simulated guest of a VM, if the VM exists */
    public Optional<SimGuest> guest(VmId vmId) {
        return store.read(state -> Optional.ofNullable(state.vms.get(vmId.value())).map(vm -> Snapshots.guest(state, vm)));
    }

    /** @return the folder of the real guests' volumes, seeds and sockets, when this cluster boots real guests */
    public Optional<Path> realGuestsWorkFolder() {
        return engine.qemu().map(q -> Path.of(q.config().workFolder));
    }

    /**
     * @param vmId  a VM
     * @param lines how many lines at most
     * @return the last lines its real guest printed on the serial console (real guests only)
     */
    public Optional<String> serialConsoleTail(VmId vmId, int lines) {
        return engine.qemu().flatMap(q -> q.serialTail(vmId.value(), lines));
    }

    /**
     * Closes the transports. When this instance enabled real guests, every QEMU it (or a launcher
     * sharing its state folder) started is killed and the work folder with volumes and seeds removed.
     */
    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        transports.values().forEach(SimCommandTransport::close);
        if (realOwner != null) {
            Reaper.reap(realOwner.owner(), realOwner.workFolder());
            store.write(state -> {
                state.vms.values().forEach(vm -> {
                    if (vm.qemu != null) {
                        vm.qemu = null;
                        vm.status = "stopped";
                        vm.pid = 0;
                    }
                });
                return null;
            });
            if (realOwner.watcher() != null) {
                realOwner.watcher().destroy();
            }
        }
        store.close();
    }

    /** Configures a {@link SimulatedCluster}. Not thread-safe. */
    public static final class Builder {
        private final List<SimNode> nodes = new ArrayList<>();
        private final List<SimStorage> storages = new ArrayList<>();
        private final Map<String, List<SimStorage>> nodeStorages = new LinkedHashMap<>();
        private final List<Object[]> containers = new ArrayList<>();
        private PveRelease release = PveRelease.PVE_8_4;
        private double speed = 1.0;
        private SimClock clock;
        private long seed = 1;
        private Duration bootDelay = Duration.ofSeconds(20);
        private Duration refresh = Duration.ofSeconds(10);
        private Path folder;
        private boolean requireGuestKey = true;
        private RealGuests realGuests;
        private SimApi.Options apiOptions;
        private final AccessSetup access = new AccessSetup();

        private Builder() {
        }

        /** Serves the REST API on 127.0.0.1, on a free port ({@link SimApi.Options#defaults()}). */
        public Builder api() {
            return api(SimApi.Options.defaults());
        }

        /** Serves the REST API as {@code options} say. */
        public Builder api(SimApi.Options options) {
            this.apiOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets {@code root@pam}'s password (for {@code POST /access/ticket}); without one, root logs in
         * with its token only.
         */
        public Builder rootPassword(String password) {
            access.user("root@pam", Objects.requireNonNull(password, "password"));
            return this;
        }

        /**
         * Adds a user of realm {@code pam} or {@code pve}, or sets its password.
         *
         * @param userid   {@code name@realm}
         * @param password its password, or null for a user that authenticates with tokens only
         * @throws InvalidSpecException when the id is malformed
         */
        public Builder user(String userid, String password) {
            access.user(userid, password);
            return this;
        }

        /**
         * Adds an API token ({@code PVEAPIToken=userid!tokenId=secret}), creating the user when needed.
         *
         * @param privilegeSeparation true (Proxmox's default): the token holds only what its own ACL
         *                            entries grant, within its user's privileges; false: its user's privileges
         */
        public Builder token(String userid, String tokenId, String secret, boolean privilegeSeparation) {
            access.token(userid, tokenId, secret, privilegeSeparation);
            return this;
        }

        /** Adds a custom role; Proxmox's built-in roles ({@code PVEVMAdmin}, {@code PVEAuditor}, ...) exist already. */
        public Builder role(String name, java.util.Set<String> privileges) {
            access.role(name, privileges);
            return this;
        }

        /**
         * Grants {@code role} on {@code path} to a user or token id ({@code alice@pve!ci}).
         *
         * @param propagate whether the grant also holds below the path
         */
        public Builder acl(String path, String userOrToken, String role, boolean propagate) {
            access.acl(path, userOrToken, role, propagate);
            return this;
        }

        /** Adds a node (replacing the default three once any is added). */
        public Builder node(SimNode node) {
            nodes.add(Objects.requireNonNull(node));
            return this;
        }

        /** Adds a node with default hardware. */
        public Builder node(String name, String address) {
            return node(SimNode.of(name, address));
        }

        /** Adds a storage to every node (replacing the defaults once any storage is added). */
        public Builder storage(SimStorage storage) {
            storages.add(Objects.requireNonNull(storage));
            return this;
        }

        /** Adds a storage to one node only. */
        public Builder storage(NodeName node, SimStorage storage) {
            nodeStorages.computeIfAbsent(node.value(), k -> new ArrayList<>()).add(Objects.requireNonNull(storage));
            return this;
        }

        /** Adds an existing LXC container (its id is taken cluster-wide). */
        public Builder container(VmId id, NodeName node, String name) {
            containers.add(new Object[] {id.value(), node.value(), name});
            return this;
        }

        /** @param pveRelease the release to imitate; default {@link PveRelease#PVE_8_4} */
        public Builder release(PveRelease pveRelease) {
            this.release = Objects.requireNonNull(pveRelease);
            return this;
        }

        /** @param factor nominal durations are divided by this (10 = ten times faster); positive */
        public Builder speedFactor(double factor) {
            if (!(factor > 0)) {
                throw new IllegalArgumentException("speed factor must be positive");
            }
            this.speed = factor;
            return this;
        }

        /** Makes every simulated duration zero (boot delay included). */
        public Builder instant() {
            this.speed = Double.POSITIVE_INFINITY;
            return this;
        }

        /** Runs on virtual time: simulated waits advance {@code virtualClock} instead of sleeping. */
        public Builder clock(SimClock virtualClock) {
            this.clock = Objects.requireNonNull(virtualClock);
            return this;
        }

        /** @param value seeds MACs, UUIDs, keys and probabilistic faults; default 1 */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** @param nominal time from start or reboot until the guest accepts SSH; default 20 s (scaled) */
        public Builder bootDelay(Duration nominal) {
            this.bootDelay = Objects.requireNonNull(nominal);
            return this;
        }

        /** @param nominal the /cluster/resources refresh interval; default 10 s (scaled); zero disables the lag */
        public Builder resourcesRefresh(Duration nominal) {
            this.refresh = Objects.requireNonNull(nominal);
            return this;
        }

        /** Persists the state in {@code stateFolder}, shared with other processes (the folder's state wins). */
        public Builder stateFolder(Path stateFolder) {
            this.folder = Objects.requireNonNull(stateFolder);
            return this;
        }

        /** @param required whether guests accept SSH only with the guest access key in {@code sshkeys}; default true */
        public Builder requireGuestKey(boolean required) {
            this.requireGuestKey = required;
            return this;
        }

        /**
         * Boots VMs as real guests under QEMU instead of simulating them (see {@link RealGuests}). The
         * cluster built owns them: {@link SimulatedCluster#close()} ends every QEMU started for it, in this
         * process or by a launcher sharing its state folder, and a watcher does the same if this JVM dies.
         */
        public Builder realGuests(RealGuests guests) {
            this.realGuests = Objects.requireNonNull(guests);
            return this;
        }

        /**
         * @return the cluster
         * @throws InvalidSpecException when an ACL names an unknown role, user or token, or a role an unknown privilege
         */
        public SimulatedCluster build() {
            access.validate(release.major());
            return new SimulatedCluster(this);
        }

        private ClusterState initialState(long nowMillis) {
            ClusterState state = new ClusterState();
            List<SimNode> chosen = nodes.isEmpty() ? List.of(SimNode.of("pve1", "127.0.10.11"),
                    SimNode.of("pve2", "127.0.10.12"), SimNode.of("pve3", "127.0.10.13")) : nodes;
            List<SimStorage> common = storages.isEmpty() && nodeStorages.isEmpty()
                    ? List.of(SimStorage.dir("local", 100L << 30), SimStorage.lvmThin("local-lvm", 500L << 30))
                    : storages;
            for (SimNode given : chosen) {
                // real guests run on QEMU's emulated CPU: a default node offers what that runs
                SimNode node = realGuests != null && given.cpuFlags().equals(SimNode.SKYLAKE_FLAGS)
                        ? given.withCpu(SimNode.TCG_MODEL, SimNode.TCG_FLAGS) : given;
                NodeState n = new NodeState();
                n.name = node.name().value();
                n.address = node.address();
                n.cpuModel = node.cpuModel();
                n.cpuFlags = node.cpuFlags();
                n.cores = node.cpus();
                n.memoryBytes = node.memoryBytes();
                n.rootfsBytes = 100L << 30;
                n.online = node.online();
                n.bootedAtMillis = nowMillis - Duration.ofHours(6).toMillis();
                List<SimStorage> own = new ArrayList<>(common);
                own.addAll(nodeStorages.getOrDefault(n.name, List.of()));
                for (SimStorage storage : own) {
                    StorageState s = new StorageState();
                    s.id = storage.id();
                    s.type = storage.type().proxmoxName();
                    s.content = new ArrayList<>(storage.content());
                    s.totalBytes = storage.totalBytes();
                    s.shared = storage.shared();
                    s.enabled = storage.enabled();
                    s.path = switch (storage.type()) {
                        case DIR -> storage.id().equals("local") ? "/var/lib/vz" : "/mnt/" + storage.id();
                        case NFS -> "/mnt/pve/" + storage.id();
                        default -> null;
                    };
                    n.storages.add(s);
                }
                state.nodes.add(n);
            }
            for (Object[] container : containers) {
                VmState ct = new VmState();
                ct.vmid = (Integer) container[0];
                ct.node = (String) container[1];
                ct.type = "lxc";
                ct.config.put("hostname", (String) container[2]);
                ct.config.put("name", (String) container[2]);
                ct.createdAtMillis = 0;
                state.vms.put(ct.vmid, ct);
            }
            return state;
        }
    }
}
