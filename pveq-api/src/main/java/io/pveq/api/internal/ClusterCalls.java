package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.ApiParameterException;
import io.pveq.api.CacheKind;
import io.pveq.api.ClusterApi;
import io.pveq.api.ClusterResource;
import io.pveq.api.ClusterStatus;
import io.pveq.api.ProxmoxApiException;
import io.pveq.core.VmId;
import java.util.List;
import java.util.Optional;

/** {@link ClusterApi} over {@link ApiHttp}. Thread-safe. */
final class ClusterCalls implements ClusterApi {

    private final ApiHttp http;

    ClusterCalls(ApiHttp http) {
        this.http = http;
    }

    @Override
    public ClusterStatus status() {
        return Readers.clusterStatus(http.call(ApiCall.get(CacheKind.CLUSTER_STATUS, FormParams.empty(), "cluster",
                "status")));
    }

    @Override
    public List<ClusterResource> resources() {
        return Readers.resources(http.call(ApiCall.get(CacheKind.CLUSTER_RESOURCES, FormParams.empty(), "cluster",
                "resources")));
    }

    @Override
    public List<ClusterResource.Guest> guests() {
        return ClusterResource.guests(Readers.resources(http.call(ApiCall.get(CacheKind.CLUSTER_RESOURCES,
                FormParams.empty().put("type", "vm"), "cluster", "resources"))));
    }

    @Override
    public VmId nextId() {
        ApiCall call = ApiCall.get(FormParams.empty(), "cluster", "nextid");
        JsonNode data = http.call(call);
        try {
            return VmId.parse("nextid", data.asText().strip());
        } catch (RuntimeException e) {
            throw new ProxmoxApiException(call.method(), call.path(), 200, "expected a VMID, got " + data);
        }
    }

    @Override
    public boolean isFree(VmId candidate) {
        try {
            http.call(ApiCall.get(FormParams.empty().put("vmid", candidate.value()), "cluster", "nextid"));
            return true;
        } catch (ApiParameterException e) {
            if (e.errors().containsKey("vmid")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<ClusterResource.Guest> findGuest(VmId vmId) {
        return guests().stream().filter(g -> g.vmId().equals(vmId)).findFirst();
    }
}
