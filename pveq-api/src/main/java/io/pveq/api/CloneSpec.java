package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.util.Objects;
import java.util.Optional;

/**
 * A clone to make ({@code POST /nodes/{node}/qemu/{vmid}/clone}). From a template, the default is a
 * linked clone; {@link #fullCopy()} copies every disk.
 *
 * @param newId       the new VM's id (claimed atomically like a create)
 * @param name        its name
 * @param full        copy all disks instead of linking to the template's
 * @param target      the node for the clone (shared storage only)
 * @param storage     the storage for a full clone's disks
 * @param description notes
 */
public record CloneSpec(VmId newId, Optional<String> name, boolean full, Optional<NodeName> target,
                       Optional<String> storage, Optional<String> description) {

    /** Validates. */
    public CloneSpec {
        Objects.requireNonNull(newId, "newId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(description, "description");
    }

    /** @return a clone named {@code name} with id {@code newId}, linked where possible */
    public static CloneSpec of(VmId newId, String name) {
        return new CloneSpec(newId, Optional.of(name), false, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** @return a copy that copies every disk, onto {@code storage} */
    public CloneSpec fullCopy(String storage) {
        return new CloneSpec(newId, name, true, target, Optional.of(storage), description);
    }

    /** @return a copy that copies every disk to the same storages */
    public CloneSpec fullCopy() {
        return new CloneSpec(newId, name, true, target, storage, description);
    }

    /** @return a copy placing the clone on {@code node} */
    public CloneSpec target(NodeName node) {
        return new CloneSpec(newId, name, full, Optional.of(node), storage, description);
    }
}
