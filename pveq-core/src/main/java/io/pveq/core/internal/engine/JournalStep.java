package io.pveq.core.internal.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A rollback journal entry as data: what a step changed on the cluster, written to the job store
 * before the step runs, so that any later process (this one after a restart, or another instance
 * after the lease ran out) can undo it through {@link JournalActions}. Holds no secrets.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JournalStep.CreatedVm.class, name = "created_vm"),
    @JsonSubTypes.Type(value = JournalStep.Migration.class, name = "migration"),
    @JsonSubTypes.Type(value = JournalStep.PlacedImage.class, name = "placed_image")})
sealed interface JournalStep {

    /** @return what undoing it means, for people (e.g. {@code destroy VM 101}) */
    String label();

    /**
     * An install is about to create (claim) VM {@code vmid} on {@code node}: undo destroys it wherever it
     * is, when it is ours (named {@code name}, or still carrying the {@code create} lock of a create cut
     * short), and frees the id and address.
     */
    record CreatedVm(@JsonProperty("vmid") int vmid, @JsonProperty("node") String node,
                     @JsonProperty("name") String name, @JsonProperty("address") String address,
                     @JsonProperty("user") String user) implements JournalStep {
        @Override
        public String label() {
            return "destroy VM " + vmid;
        }
    }

    /**
     * A {@code qm migrate} of VM {@code vmid} is under way: Proxmox completes or aborts a migration itself,
     * so the undo changes nothing; it finds where the VM is and whether a lock was left behind, and says so.
     */
    record Migration(@JsonProperty("vmid") int vmid, @JsonProperty("source") String source,
                     @JsonProperty("target") String target) implements JournalStep {
        @Override
        public String label() {
            return "check VM " + vmid + " after its migration";
        }
    }

    /**
     * An install is about to put an OS image on {@code node} ({@code reference}: a path or a volume id): undo
     * deletes it unless an install of this process is still using it. An image that was there already is
     * never journalled (another install placed it, and it stays as a cache).
     */
    record PlacedImage(@JsonProperty("node") String node, @JsonProperty("storage") String storage,
                       @JsonProperty("file") String file, @JsonProperty("reference") String reference)
            implements JournalStep {
        @Override
        public String label() {
            return "remove image " + reference + " from node " + node;
        }
    }
}
