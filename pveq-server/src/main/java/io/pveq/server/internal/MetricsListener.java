package io.pveq.server.internal;

import io.pveq.core.NodeName;
import io.pveq.core.ProxmoxCall;
import io.pveq.core.ProxmoxListener;
import io.pveq.core.VmId;
import java.time.Duration;

/**
 * Counts and times every call the provisioner makes to Proxmox (commands, uploads and REST requests alike)
 * for {@link ServerMetrics}, and counts lost VMID claims. Fast and never throws, as core's listener
 * contract asks; thread-safe.
 */
final class MetricsListener implements ProxmoxListener {

    private final ServerMetrics metrics;

    MetricsListener(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void callEnd(ProxmoxCall call, ProxmoxCall.Outcome outcome, Duration took) {
        metrics.command(call.node().map(NodeName::value).orElse("cluster"), call.name(), label(outcome), took);
    }

    @Override
    public void vmidClaimLost(VmId vmId, NodeName node) {
        metrics.allocationRetry();
    }

    /** @return the metric's outcome label: {@code ok}, {@code nonzero} (Proxmox refused) or {@code error} */
    static String label(ProxmoxCall.Outcome outcome) {
        return switch (outcome) {
            case OK -> "ok";
            case FAILED -> "nonzero";
            case ERROR -> "error";
        };
    }
}
