package io.pveq.core.internal.engine;

import io.pveq.core.ClusterOverview;
import io.pveq.core.DiskSize;
import io.pveq.core.NodeInfo;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmId;
import io.pveq.core.VmInfo;
import io.pveq.core.VmStatus;
import io.pveq.core.internal.pve.ClusterNode;
import io.pveq.core.internal.pve.ClusterVm;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The read-only views of {@link io.pveq.core.ClusterInventory}, from {@code /cluster/resources} on the
 * main node, in the list response's units (MB, whole GB, fractions for nodes). Thread-safe.
 */
final class Inventory {

    private static final long MB = 1024L * 1024;

    private final ClusterRouter router;
    private final Clock clock;

    Inventory(ClusterRouter router, Clock clock) {
        this.router = router;
        this.clock = clock;
    }

    ClusterOverview overview() {
        List<VmInfo> vms = router.clusterVms().stream().filter(ClusterVm::qemu).filter(v -> !v.template())
                .map(Inventory::vm).toList();
        return new ClusterOverview(vms, nodes(), clock.instant());
    }

    Optional<VmInfo> vm(VmId vmId) {
        return router.findVm(vmId).map(Inventory::vm);
    }

    List<NodeInfo> nodes() {
        return router.clusterNodes().stream().map(Inventory::node).sorted(java.util.Comparator.comparing(NodeInfo::node))
                .toList();
    }

    List<StorageInfo> storages(NodeName node) {
        if (!router.onlineNodes().contains(node)) {
            throw new NodeUnavailableException(node.value(), "node " + node + " is unknown or offline");
        }
        return router.clusterRead("read the storages of " + node, () -> router.ops().storages(node));
    }

    static VmInfo vm(ClusterVm v) {
        long diskGb = v.maxDisk().map(b -> DiskSize.ofBytes(Math.max(0, b)).roundedGiB()).orElse(0L);
        return new VmInfo(v.vmId(), v.name().orElse(""), VmTags.os(v.tags()), VmStatus.fromProxmox(v.status()), v.node(),
                Math.max(0, v.maxCpu().orElse(0)), diskGb, Math.max(0, v.maxMem().orElse(0L)) / MB,
                v.running() ? Math.max(0, v.mem().orElse(0L)) / MB : 0, new HashSet<>(v.tags()), v.lock());
    }

    static NodeInfo node(ClusterNode n) {
        double cpu = n.cpu().map(c -> Math.max(0, Math.min(1, c))).orElse(0.0);
        long mem = Math.max(0, n.mem().orElse(0L));
        long maxMem = Math.max(0, n.maxMem().orElse(0L));
        return new NodeInfo(n.node(), n.online(), Math.max(0, n.maxCpu().orElse(0)), maxMem / MB, cpu,
                NodeInfo.fraction(mem, maxMem), mem / MB, NodeInfo.fraction(n.disk().orElse(0L), n.maxDisk().orElse(0L)));
    }
}
