package io.pveq.core.image;

import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import java.util.Objects;
import java.util.Optional;

/**
 * A node an image must be placed on, as the provisioner reaches it.
 *
 * @param node      the node
 * @param local     true when the node is the machine pveq runs on (the cached file can be used in place)
 * @param transport runs commands on the node
 * @param files     copies files to the node, when the transport can
 */
public record ImageTarget(NodeName node, boolean local, CommandTransport transport, Optional<FileTransfer> files) {

    /** Validates. */
    public ImageTarget {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(files, "files");
    }
}
