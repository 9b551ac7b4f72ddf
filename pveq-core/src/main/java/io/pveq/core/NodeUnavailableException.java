package io.pveq.core;

/** A node does not exist in the cluster, or is offline or unreachable. */
public class NodeUnavailableException extends PveqException {

    private final String node;

    /**
     * @param node    the node name
     * @param message what is wrong, for people
     */
    public NodeUnavailableException(String node, String message) {
        super(message);
        this.node = node;
    }

    /** @return the node name */
    public String node() {
        return node;
    }
}
