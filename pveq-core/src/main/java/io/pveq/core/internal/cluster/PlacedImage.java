package io.pveq.core.internal.cluster;

import io.pveq.core.NodeName;
import java.util.Objects;

/**
 * An OS image where a node can import it.
 *
 * @param node      the node
 * @param reference what the import takes: an absolute path on the node (CLI dialect) or a volume id
 *                  {@code STORAGE:import/FILE} (API dialect)
 * @param removable false for a file pveq must never delete (the image cache itself, on the local node)
 */
public record PlacedImage(NodeName node, String reference, boolean removable) {

    /** Validates. */
    public PlacedImage {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(reference, "reference");
    }

    /** @return true when {@link #reference} is a volume id rather than a path */
    public boolean volume() {
        return !reference.startsWith("/");
    }
}
