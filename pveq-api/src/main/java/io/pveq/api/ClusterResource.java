package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of {@code GET /cluster/resources}: a guest, a node, a storage or something else. The list
 * lags up to about ten seconds behind changes; a brand-new guest may show only its id, node and
 * {@link VmStatus#UNKNOWN}.
 */
public sealed interface ClusterResource permits ClusterResource.Guest, ClusterResource.Node,
        ClusterResource.Storage, ClusterResource.Other {

    /** @return the resource id, e.g. {@code qemu/100}, {@code node/pve1}, {@code storage/pve1/local} */
    String id();

    /** The kinds of guest. */
    enum GuestType {
        /** A QEMU virtual machine. */
        QEMU,
        /** An LXC container. */
        LXC
    }

    /**
     * A virtual machine or container.
     *
     * @param id       the resource id
     * @param type     QEMU or LXC
     * @param vmId     its id
     * @param node     the node it lives on
     * @param name     its name, empty when not known yet
     * @param status   its power state
     * @param template whether it is a template
     * @param maxCpu   its CPUs, 0 when not known yet
     * @param cpu      CPU use as a fraction of {@code maxCpu}
     * @param maxMem   its memory in bytes
     * @param mem      memory in use in bytes
     * @param maxDisk  its root disk size in bytes
     * @param uptime   how long it has run
     * @param tags     its tags
     * @param lock     its config lock, when locked
     * @param pool     its pool, when in one
     */
    record Guest(String id, GuestType type, VmId vmId, NodeName node, String name, VmStatus status, boolean template,
                 int maxCpu, double cpu, long maxMem, long mem, long maxDisk, Duration uptime, Set<String> tags,
                 Optional<String> lock, Optional<String> pool) implements ClusterResource {
        /** Validates and copies. */
        public Guest {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(vmId, "vmId");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(uptime, "uptime");
            tags = Set.copyOf(tags);
            Objects.requireNonNull(lock, "lock");
            Objects.requireNonNull(pool, "pool");
        }
    }

    /**
     * A node.
     *
     * @param id      the resource id
     * @param node    its name
     * @param online  whether it is online
     * @param maxCpu  its CPUs
     * @param cpu     CPU use as a fraction
     * @param maxMem  its memory in bytes
     * @param mem     memory in use in bytes
     * @param maxDisk its root file system's size in bytes
     * @param disk    bytes used on it
     * @param uptime  how long it has run
     */
    record Node(String id, NodeName node, boolean online, int maxCpu, double cpu, long maxMem, long mem, long maxDisk,
                long disk, Duration uptime) implements ClusterResource {
        /** Validates. */
        public Node {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(uptime, "uptime");
        }
    }

    /**
     * A storage as one node sees it.
     *
     * @param id       the resource id
     * @param storage  the storage id
     * @param node     the node
     * @param content  the content types it holds
     * @param shared   whether every node sees the same storage
     * @param status   {@code available} or another word
     * @param maxDisk  its size in bytes
     * @param disk     bytes used
     */
    record Storage(String id, String storage, NodeName node, Set<String> content, boolean shared, String status,
                   long maxDisk, long disk) implements ClusterResource {
        /** Validates and copies. */
        public Storage {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(node, "node");
            content = Set.copyOf(content);
            Objects.requireNonNull(status, "status");
        }
    }

    /**
     * Any other kind ({@code sdn}, {@code pool}, and kinds later releases add).
     *
     * @param id   the resource id
     * @param type the type word
     */
    record Other(String id, String type) implements ClusterResource {
        /** Validates. */
        public Other {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * @param resources a resource list
     * @return the guests in it
     */
    static List<Guest> guests(List<ClusterResource> resources) {
        return resources.stream().filter(Guest.class::isInstance).map(Guest.class::cast).toList();
    }
}
