package io.pveq.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Several named Proxmox clusters in one process ("profiles"), each with its own {@link ProxmoxApi}
 * (own credentials, trust, connection pool and cache). Closing closes every client. Thread-safe;
 * the set of clusters is fixed when built.
 *
 * <pre>{@code
 * try (ProxmoxClusters clusters = ProxmoxClusters.builder()
 *         .cluster("lab", ProxmoxApi.builder().url("https://lab1:8006").token(labToken).trust(labPin))
 *         .cluster("prod", ProxmoxApi.builder().url("https://pve.prod:8006").token(prodToken).trust(prodCa))
 *         .build()) {
 *     clusters.forEach((name, api) -> System.out.println(name + ": " + api.cluster().guests().size() + " guests"));
 * }
 * }</pre>
 */
public final class ProxmoxClusters implements AutoCloseable {

    private final Map<String, ProxmoxApi> clients;

    private ProxmoxClusters(Map<String, ProxmoxApi> clients) {
        this.clients = clients;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the cluster names, in the order given */
    public Set<String> names() {
        return clients.keySet();
    }

    /**
     * @param name a cluster name
     * @return its client
     * @throws IllegalArgumentException naming the known clusters when there is none by that name
     */
    public ProxmoxApi get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no Proxmox cluster named '" + name
                + "'; known: " + clients.keySet()));
    }

    /** @return the client of {@code name}, if configured */
    public Optional<ProxmoxApi> find(String name) {
        return Optional.ofNullable(clients.get(name));
    }

    /** @param action called with each name and client, in order */
    public void forEach(BiConsumer<String, ProxmoxApi> action) {
        clients.forEach(action);
    }

    /** Closes every client. */
    @Override
    public void close() {
        clients.values().forEach(ProxmoxApi::close);
    }

    /** Collects named clusters. Not thread-safe. */
    public static final class Builder {
        private final Map<String, ProxmoxApi.Builder> builders = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param name    a unique name, e.g. {@code lab}
         * @param builder its client's configuration
         * @return this
         */
        public Builder cluster(String name, ProxmoxApi.Builder builder) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || builders.putIfAbsent(name, Objects.requireNonNull(builder, "builder")) != null) {
                throw new IllegalArgumentException("cluster names must be unique and not blank, got '" + name + "'");
            }
            return this;
        }

        /** @return the clusters, every client built (a failing one closes those built before) */
        public ProxmoxClusters build() {
            Map<String, ProxmoxApi> built = new LinkedHashMap<>();
            try {
                builders.forEach((name, builder) -> built.put(name, builder.build()));
            } catch (RuntimeException e) {
                built.values().forEach(ProxmoxApi::close);
                throw e;
            }
            return new ProxmoxClusters(java.util.Collections.unmodifiableMap(built));
        }
    }
}
