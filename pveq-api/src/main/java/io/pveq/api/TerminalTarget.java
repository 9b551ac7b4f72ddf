package io.pveq.api;

import io.pveq.core.NodeName;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a command runs through a terminal proxy: a container's console ({@code POST
 * /nodes/{node}/lxc/{vmid}/termproxy}, privilege {@code VM.Console}) or a node's shell ({@code POST
 * /nodes/{node}/termproxy}, privilege {@code Sys.Console}). A VM's terminal proxy is its serial console,
 * which needs a login: not a target.
 *
 * @param node      the node
 * @param container the container on it, empty for the node's own shell
 */
public record TerminalTarget(NodeName node, Optional<GuestRef> container) {

    /** Validates: a container must be on {@code node} and be a container. */
    public TerminalTarget {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(container, "container");
        container.ifPresent(ct -> {
            if (!ct.container()) {
                throw new IllegalArgumentException("container: " + ct.vmId() + " is a VM; a VM's terminal is its serial "
                        + "console, which needs a login");
            }
            if (!ct.node().equals(node)) {
                throw new IllegalArgumentException("container: " + ct.vmId() + " is on " + ct.node() + ", not " + node);
            }
        });
    }

    /** @return the console of {@code container} (a {@link GuestRef#container} reference) */
    public static TerminalTarget container(GuestRef container) {
        return new TerminalTarget(container.node(), Optional.of(container));
    }

    /** @return the shell of {@code node} */
    public static TerminalTarget node(NodeName node) {
        return new TerminalTarget(node, Optional.empty());
    }

    @Override
    public String toString() {
        return container.map(ct -> "container " + ct.vmId() + " on " + node).orElse("node " + node);
    }
}
