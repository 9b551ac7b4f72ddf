package io.pveq.api.internal;

import io.pveq.api.CacheKind;
import io.pveq.api.NodeApi;
import io.pveq.api.NodeStatus;
import io.pveq.api.NodeSummary;
import io.pveq.api.StorageVolume;
import io.pveq.core.NodeName;
import io.pveq.core.StorageInfo;
import java.util.List;
import java.util.Optional;

/** {@link NodeApi} over {@link ApiHttp}. Thread-safe. */
final class NodeCalls implements NodeApi {

    private final ApiHttp http;

    NodeCalls(ApiHttp http) {
        this.http = http;
    }

    @Override
    public List<NodeSummary> list() {
        return Readers.nodes(http.call(ApiCall.get(CacheKind.NODES, FormParams.empty(), "nodes")));
    }

    @Override
    public NodeStatus status(NodeName node) {
        return Readers.nodeStatus(http.call(ApiCall.get(CacheKind.NODE_STATUS, FormParams.empty(), "nodes",
                node.value(), "status")));
    }

    @Override
    public List<StorageInfo> storages(NodeName node) {
        return Readers.storages(http.call(ApiCall.get(CacheKind.STORAGE, FormParams.empty(), "nodes", node.value(),
                "storage")));
    }

    @Override
    public List<StorageVolume> content(NodeName node, String storage, Optional<String> content) {
        FormParams params = FormParams.empty();
        content.ifPresent(c -> params.put("content", c));
        return Readers.volumes(http.call(ApiCall.get(CacheKind.STORAGE, params, "nodes", node.value(), "storage",
                storage, "content")));
    }
}
