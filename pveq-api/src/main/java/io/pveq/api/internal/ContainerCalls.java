package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.ContainerApi;
import io.pveq.api.ContainerConfig;
import io.pveq.api.ContainerConfigUpdate;
import io.pveq.api.ContainerStatus;
import io.pveq.api.GuestAddresses;
import io.pveq.api.GuestInterface;
import io.pveq.api.Upid;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.VmStateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ContainerApi} over {@link ApiHttp}. Thread-safe. */
final class ContainerCalls implements ContainerApi {

    private final ApiHttp http;

    ContainerCalls(ApiHttp http) {
        this.http = http;
    }

    private Upid task(ApiCall call) {
        return Upids.of(call, http.call(call));
    }

    @Override
    public List<ContainerStatus> list(NodeName node) {
        JsonNode data = http.call(ApiCall.get(FormParams.empty(), "nodes", node.value(), "lxc"));
        List<ContainerStatus> out = new ArrayList<>();
        for (JsonNode entry : data) {
            GuestReaders.containerStatus(entry).ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    @Override
    public ContainerStatus status(NodeName node, VmId vmId) {
        JsonNode data = http.call(ApiCall.get(FormParams.empty(), GuestPaths.container(node, vmId, "status", "current")));
        return GuestReaders.containerStatus(data, vmId);
    }

    private Upid power(NodeName node, VmId vmId, String action, FormParams params) {
        return task(ApiCall.post(params, GuestPaths.container(node, vmId, "status", action)));
    }

    @Override
    public Upid start(NodeName node, VmId vmId) {
        return power(node, vmId, "start", FormParams.empty());
    }

    @Override
    public Upid stop(NodeName node, VmId vmId) {
        return power(node, vmId, "stop", FormParams.empty());
    }

    @Override
    public Upid shutdown(NodeName node, VmId vmId, Optional<Duration> timeout, boolean forceStop) {
        FormParams params = FormParams.empty();
        timeout.ifPresent(t -> params.put("timeout", Math.max(0, t.toSeconds())));
        if (forceStop) {
            params.put("forceStop", true);
        }
        return power(node, vmId, "shutdown", params);
    }

    @Override
    public Upid reboot(NodeName node, VmId vmId, Optional<Duration> timeout) {
        FormParams params = FormParams.empty();
        timeout.ifPresent(t -> params.put("timeout", Math.max(0, t.toSeconds())));
        return power(node, vmId, "reboot", params);
    }

    @Override
    public Upid suspend(NodeName node, VmId vmId) {
        return power(node, vmId, "suspend", FormParams.empty());
    }

    @Override
    public Upid resume(NodeName node, VmId vmId) {
        return power(node, vmId, "resume", FormParams.empty());
    }

    @Override
    public ContainerConfig config(NodeName node, VmId vmId) {
        return GuestReaders.containerConfig(vmId, http.call(ApiCall.get(FormParams.empty(),
                GuestPaths.container(node, vmId, "config"))));
    }

    @Override
    public void updateConfig(NodeName node, VmId vmId, ContainerConfigUpdate update) {
        FormParams params = FormParams.empty();
        update.values().forEach(params::put);
        if (!update.delete().isEmpty()) {
            params.put("delete", String.join(",", update.delete()));
        }
        update.digest().ifPresent(d -> params.put("digest", d));
        http.call(ApiCall.put(params, GuestPaths.container(node, vmId, "config")));
    }

    @Override
    public Upid delete(NodeName node, VmId vmId, boolean purge, boolean force) {
        FormParams params = FormParams.empty();
        if (purge) {
            params.put("purge", true).put("destroy-unreferenced-disks", true);
        }
        if (force) {
            params.put("force", true);
        }
        return task(ApiCall.delete(params, GuestPaths.container(node, vmId)));
    }

    @Override
    public List<GuestInterface> interfaces(NodeName node, VmId vmId) {
        return GuestReaders.interfaces(http.call(ApiCall.get(FormParams.empty(),
                GuestPaths.container(node, vmId, "interfaces"))));
    }

    @Override
    public GuestAddresses addresses(NodeName node, VmId vmId) {
        try {
            List<String> online = GuestReaders.reachable(interfaces(node, vmId), Optional.empty());
            if (!online.isEmpty()) {
                return new GuestAddresses(online, GuestAddresses.Source.RUNNING);
            }
        } catch (VmStateException e) {
            // stopped: its config is all there is
        }
        List<String> configured = config(node, vmId).staticAddresses().stream()
                .map(c -> c.address().toString()).toList();
        return new GuestAddresses(configured, GuestAddresses.Source.CONFIG);
    }
}
