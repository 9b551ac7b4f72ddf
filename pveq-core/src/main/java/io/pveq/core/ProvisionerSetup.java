package io.pveq.core;

import io.pveq.core.guest.GuestAccess;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.store.DurableOperations;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * Everything a provisioner is built from: the settings plus the collaborators pveq-core cannot
 * make itself (SSH transports come from {@code pveq-ssh}, the image cache from
 * {@code pveq-images}, or all of them from {@code pveq-sim}). The server assembles one with
 * {@link #builder()} and hands it to the provisioner's factory. The provisioner takes ownership:
 * closing it closes the transports, the image provider and the guest access.
 *
 * @param settings the site settings
 * @param nodes    how to reach each node; must include the main node
 * @param images   OS images
 * @param guests   SSH access to new guests
 * @param probe    address-in-use probe for the allocator
 * @param clock    time source for elapsed times, timeouts and caches
 * @param executor runs operations; empty: the provisioner makes and owns its own
 * @param durable  where operations are kept across restarts and shared with other instances; empty: in
 *                 memory only (a restart forgets them, and what was running is left as it was)
 */
public record ProvisionerSetup(ProvisionerSettings settings, Map<NodeName, NodeConnection> nodes, ImageProvider images,
                               GuestAccess guests, AddressProbe probe, Clock clock,
                               Optional<ExecutorService> executor, Optional<DurableOperations> durable) {

    /** @throws InvalidSpecException naming {@code MAIN_NODE} when the main node has no connection */
    public ProvisionerSetup {
        Objects.requireNonNull(settings, "settings");
        nodes = java.util.Collections.unmodifiableMap(new TreeMap<>(nodes));
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(guests, "guests");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(durable, "durable");
        if (!nodes.containsKey(settings.mainNode())) {
            throw new InvalidSpecException("MAIN_NODE", "no way to reach the main node " + settings.mainNode()
                    + " was configured");
        }
    }

    /**
     * @return an empty builder (probe defaults to {@link AddressProbe#network()}, so a candidate address
     *         something already answers on is skipped; clock to UTC system time)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * How pveq reaches one node.
     *
     * @param transport runs commands there
     * @param local     true when that node is the machine pveq runs on
     * @param files     uploads files there, when the transport can
     */
    public record NodeConnection(CommandTransport transport, boolean local, Optional<FileTransfer> files) {

        /** Validates. */
        public NodeConnection {
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(files, "files");
        }

        /** @return a connection for the machine pveq runs on */
        public static NodeConnection local(CommandTransport transport) {
            return new NodeConnection(transport, true, Optional.empty());
        }

        /** @return a connection to another machine whose transport can also upload files */
        public static <T extends CommandTransport & FileTransfer> NodeConnection remote(T transport) {
            return new NodeConnection(transport, false, Optional.of(transport));
        }
    }

    /** Collects the parts. Not thread-safe. */
    public static final class Builder {
        private ProvisionerSettings settings;
        private final Map<NodeName, NodeConnection> nodes = new TreeMap<>();
        private ImageProvider images;
        private GuestAccess guests;
        private AddressProbe probe;
        private Clock clock = Clock.systemUTC();
        private ExecutorService executor;
        private DurableOperations durable;

        private Builder() {
        }

        /**
         * @param settings the site settings
         * @return this
         */
        public Builder settings(ProvisionerSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * @param node a node
         * @param connection how to reach it
         * @return this
         */
        public Builder node(NodeName node, NodeConnection connection) {
            nodes.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(connection, "connection"));
            return this;
        }

        /**
         * @param images the image provider
         * @return this
         */
        public Builder images(ImageProvider images) {
            this.images = Objects.requireNonNull(images, "images");
            return this;
        }

        /**
         * @param guests SSH access to guests
         * @return this
         */
        public Builder guests(GuestAccess guests) {
            this.guests = Objects.requireNonNull(guests, "guests");
            return this;
        }

        /**
         * @param probe the address-in-use probe; default {@link AddressProbe#network()}. Pass
         *              {@link AddressProbe#NEVER_IN_USE} where probing is not wanted (a simulated cluster,
         *              whose loopback addresses would all look taken)
         * @return this
         */
        public Builder probe(AddressProbe probe) {
            this.probe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /**
         * @param clock the time source
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param executor runs operations; the caller keeps ownership
         * @return this
         */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param durable keeps operations in a job store (see {@link DurableOperations}); the caller keeps
         *                ownership of the store
         * @return this
         */
        public Builder durable(DurableOperations durable) {
            this.durable = Objects.requireNonNull(durable, "durable");
            return this;
        }

        /**
         * @return the setup
         * @throws NullPointerException when settings, images or guests are missing
         * @throws InvalidSpecException naming {@code MAIN_NODE} when the main node has no connection
         */
        public ProvisionerSetup build() {
            return new ProvisionerSetup(settings, nodes, images, guests, probe == null ? AddressProbe.network() : probe,
                    clock, Optional.ofNullable(executor), Optional.ofNullable(durable));
        }
    }
}
