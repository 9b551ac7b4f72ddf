package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.core.StorageInfo;
import java.util.List;
import java.util.Optional;

/** Nodes and their storages. Thread-safe; every method blocks on the network (or answers from the cache). */
public interface NodeApi {

    /** @return the cluster's nodes ({@code GET /nodes}) */
    List<NodeSummary> list();

    /**
     * @param node a node
     * @return its hardware and load, CPU flags included ({@code GET /nodes/{node}/status}; needs Sys.Audit)
     * @throws io.pveq.core.NodeUnavailableException when the node is offline or unknown
     */
    NodeStatus status(NodeName node);

    /**
     * @param node a node
     * @return the storages it sees that the caller may see ({@code GET /nodes/{node}/storage})
     */
    List<StorageInfo> storages(NodeName node);

    /**
     * @param node    a node
     * @param storage a storage id
     * @param content only this content type ({@code images}, {@code iso}, {@code import}, ...), or all
     * @return the volumes on it ({@code GET /nodes/{node}/storage/{storage}/content})
     */
    List<StorageVolume> content(NodeName node, String storage, Optional<String> content);
}
