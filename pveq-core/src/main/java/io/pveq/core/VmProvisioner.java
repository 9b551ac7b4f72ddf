package io.pveq.core;

import io.pveq.core.guest.GuestAccess;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.internal.engine.EngineProvisioner;
import io.pveq.core.internal.engine.Retry;
import io.pveq.core.store.DurableOperations;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The entry point: provisions and operates Proxmox VE VMs across a cluster. Get one from {@link #builder()}:
 *
 * <pre>{@code
 * try (VmProvisioner pveq = VmProvisioner.builder()
 *         .connect(ProxmoxApi.builder().url("https://pve1.lan:8006").token(token)
 *                 .trust(TlsTrust.pinned(fingerprint)).build())
 *         .storage("local-zfs")
 *         .gateway(Ipv4Address.of("192.168.0.1"))
 *         .images(ImageCache.builder(Path.of("/var/cache/pveq")).build())
 *         .build()) {
 *     InstallResult vm = pveq.install(InstallSpec.builder(OsRelease.of("debian", "12")).build(), ProgressListener.NONE);
 * }
 * }</pre>
 *
 * It combines small role interfaces, so code that needs one role can depend on that role only:
 * <ul>
 *   <li>{@link VmInstaller}: validate and install;</li>
 *   <li>{@link VmPowerControl}: status, start, stop, shutdown, reboot;</li>
 *   <li>{@link VmResources}: cpu, memory, disk growth, migration, destroy;</li>
 *   <li>{@link ClusterInventory}: VMs, nodes and storages;</li>
 *   <li>{@link #operations()}: the long operations as jobs to list, re-attach to and cancel.</li>
 * </ul>
 * Thread-safe and meant to be shared: one instance per cluster. {@link #close()} cancels running
 * operations (rolling them back), waits for them up to a bounded time, and releases the connection;
 * afterwards every method throws {@link ClusterUnavailableException}.
 */
public interface VmProvisioner extends VmInstaller, VmPowerControl, VmResources, ClusterInventory, AutoCloseable {

    /** @return the running and recently finished long operations */
    Operations operations();

    /** @return the settings this provisioner was built with */
    ProvisionerSettings settings();

    /**
     * Reads what the connection may do ({@code /access/permissions} over the REST API) and the storages the
     * settings name, and says exactly what is missing, e.g. {@code token pveq@pve!prov lacks
     * Datastore.AllocateTemplate on /storage/local} or {@code storage local has no import content: add it with
     * pvesm set local --content iso,vztmpl,backup,import}. Blocking: a few calls to the cluster.
     *
     * @return what was found missing, empty when everything an install needs is there
     * @throws ClusterUnavailableException when the cluster cannot be read at all
     */
    List<String> checkAccess();

    /**
     * @return a builder; {@link Builder#connect}, {@link Builder#storage}, {@link Builder#gateway} and
     *         {@link Builder#images} are required
     */
    static Builder builder() {
        return new Builder();
    }

    /** Cancels running operations, waits for their rollback (bounded), releases resources. Idempotent. */
    @Override
    void close();

    /**
     * Configures a {@link VmProvisioner}: how it reaches the cluster, the site's settings and its
     * collaborators. Typed setters; {@link #build()} validates, naming the setting at fault. The provisioner
     * takes ownership of the connection, the image provider and the guest access: closing it closes them.
     * Not thread-safe.
     */
    final class Builder {
        private final ProvisionerSettings.Builder settings = ProvisionerSettings.builder();
        private ProvisionerSettings given;
        private ClusterConnection connection;
        private ImageProvider images;
        private GuestAccess guests;
        private AddressProbe probe;
        private Clock clock = Clock.systemUTC();
        private ExecutorService executor;
        private DurableOperations durable;
        private ProxmoxListener listener = ProxmoxListener.NONE;

        private Builder() {
        }

        /**
         * @param connection how the cluster is reached: {@code ProxmoxApi} (REST API), {@code SshNodes} (SSH),
         *                   {@link CommandLineCluster#local(NodeName)} (on the node) or a simulated cluster
         * @return this
         */
        public Builder connect(ClusterConnection connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /**
         * @param settings complete settings, replacing every setting given through this builder (the server's way)
         * @return this
         */
        public Builder settings(ProvisionerSettings settings) {
            this.given = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** @param storage storage for VM disks, e.g. {@code local-zfs} (required) @return this */
        public Builder storage(String storage) {
            settings.storage(storage);
            return this;
        }

        /** @param gateway the VMs' gateway (required) @return this */
        public Builder gateway(Ipv4Address gateway) {
            settings.gateway(gateway);
            return this;
        }

        /** @param node where installs go when they name no node (default: the connection's) @return this */
        public Builder mainNode(NodeName node) {
            settings.mainNode(node);
            return this;
        }

        /** @param prefixLength the network's prefix length (default 24) @return this */
        public Builder prefixLength(int prefixLength) {
            settings.prefixLength(prefixLength);
            return this;
        }

        /** @param addressing how addresses are chosen (default VMID addressing 100-254) @return this */
        public Builder addressing(AddressingMode addressing) {
            settings.addressing(addressing);
            return this;
        }

        /** @param bridge the bridge for {@code net0} (default {@code vmbr0}) @return this */
        public Builder bridge(String bridge) {
            settings.bridge(bridge);
            return this;
        }

        /** @param servers DNS servers for cloud-init (default: the node's) @return this */
        public Builder nameservers(List<Ipv4Address> servers) {
            settings.nameservers(servers);
            return this;
        }

        /** @param limits VM size limits (default none but pveq's fixed bounds) @return this */
        public Builder limits(VmLimits limits) {
            settings.limits(limits);
            return this;
        }

        /** @param password root password handed to the OS init script @return this */
        public Builder rootPassword(Secret password) {
            settings.rootPassword(password);
            return this;
        }

        /** @param level the CPU model of every VM instead of the detected cluster level @return this */
        public Builder cpuType(CpuLevel level) {
            settings.cpuType(level);
            return this;
        }

        /** @param timeouts time limits (default {@link ProvisionerSettings.Timeouts#DEFAULTS}) @return this */
        public Builder timeouts(ProvisionerSettings.Timeouts timeouts) {
            settings.timeouts(timeouts);
            return this;
        }

        /** @param placement how images reach a node over the REST API (default auto) @return this */
        public Builder imagePlacement(ImagePlacement placement) {
            settings.imagePlacement(placement);
            return this;
        }

        /** @param storage the storage with {@code import} content for images (default: found on the node) @return this */
        public Builder imageStorage(String storage) {
            settings.imageStorage(storage);
            return this;
        }

        /** @param mode how new guests are driven: SSH, the guest agent, or auto (default) @return this */
        public Builder guestAccess(GuestAccessMode mode) {
            settings.guestAccess(mode);
            return this;
        }

        /** @param images the OS images (required; {@code pveq-images}' {@code ImageCache}) @return this */
        public Builder images(ImageProvider images) {
            this.images = Objects.requireNonNull(images, "images");
            return this;
        }

        /**
         * @param guests SSH access to new guests ({@code pveq-ssh}'s {@code SshGuestAccess}, or a simulated
         *               cluster's); required unless guests are reached through the agent
         * @return this
         */
        public Builder guests(GuestAccess guests) {
            this.guests = Objects.requireNonNull(guests, "guests");
            return this;
        }

        /**
         * @param probe tells whether an address is in use on the network (default {@link AddressProbe#network()});
         *              {@link AddressProbe#NEVER_IN_USE} where probing is not wanted
         * @return this
         */
        public Builder addressProbe(AddressProbe probe) {
            this.probe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /** @param clock the time source (default UTC system time) @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param executor runs operations; the caller keeps ownership (default: the provisioner's own) @return this */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param durable keeps operations in a job store ({@code pveq-store-jdbc}), so a restart rolls back what
         *                was running; the caller keeps ownership of the store
         * @return this
         */
        public Builder durable(DurableOperations durable) {
            this.durable = Objects.requireNonNull(durable, "durable");
            return this;
        }

        /** @param listener hears every call to Proxmox (metrics, tracing); fast, never throws @return this */
        public Builder listener(ProxmoxListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @return the provisioner; nothing is contacted yet (the first call that needs the cluster reads it)
         * @throws InvalidSpecException naming the missing or invalid setting ({@code connection}, {@code images},
         *                              {@code guests}, {@code storage}, {@code gateway}, ...)
         */
        public VmProvisioner build() {
            if (connection == null) {
                throw new InvalidSpecException("connection", "is required: how the cluster is reached (ProxmoxApi,"
                        + " SshNodes, CommandLineCluster.local(node), or a simulated cluster)");
            }
            if (images == null) {
                throw new InvalidSpecException("images", "is required: an image provider such as pveq-images' ImageCache");
            }
            ProvisionerSettings chosen = given != null ? given : settings.build();
            return EngineProvisioner.create(new EngineProvisioner.Setup(chosen, connection, images,
                    Optional.ofNullable(guests), probe == null ? AddressProbe.network() : probe, clock,
                    Optional.ofNullable(executor), Optional.ofNullable(durable), listener),
                    InitScripts.packaged()::forRelease, Retry.defaults());
        }
    }
}
