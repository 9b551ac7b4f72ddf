package io.pveq.core.internal.pve;

import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandRequest;
import java.util.Optional;

/**
 * Builds {@code pvesh get PATH --output-format json} command lines for the cluster views pveq reads.
 * {@code pvesh} prints only the {@code data} part of the API answer, on one line. Stateless and
 * thread-safe.
 */
public final class PveshCommands {

    /** The {@code --type} filter of {@code /cluster/resources}. */
    public enum ResourceType {
        /** qemu and lxc guests */ VM,
        /** cluster nodes */ NODE,
        /** storages per node */ STORAGE;

        String argument() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private PveshCommands() {
    }

    private static Argv get(String path) {
        return new Argv("pvesh", "get", path);
    }

    private static CommandRequest json(Argv argv) {
        return argv.option("output-format", "json").toRequest();
    }

    /** {@code pvesh get /cluster/resources [--type T]}: cluster-wide guests, nodes or storages. */
    public static CommandRequest clusterResources(Optional<ResourceType> type) {
        Argv a = get("/cluster/resources");
        type.ifPresent(t -> a.option("type", t.argument()));
        return json(a);
    }

    /** {@code pvesh get /nodes}: every node with its online status. */
    public static CommandRequest nodes() {
        return json(get("/nodes"));
    }

    /** {@code pvesh get /nodes/N/status}: CPU flags, memory, PVE version of one node. */
    public static CommandRequest nodeStatus(NodeName node) {
        return json(get("/nodes/" + node.value() + "/status"));
    }

    /** {@code pvesh get /nodes/N/storage}: storages usable on one node with usage. */
    public static CommandRequest nodeStorage(NodeName node) {
        return json(get("/nodes/" + node.value() + "/storage"));
    }

    /** {@code pvesh get /cluster/nextid}: a free VMID suggestion (does NOT reserve it). */
    public static CommandRequest nextId() {
        return json(get("/cluster/nextid"));
    }
}
