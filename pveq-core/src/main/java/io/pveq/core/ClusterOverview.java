package io.pveq.core;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Every VM and every node of the cluster at one moment: the content of {@code GET /api/vm/list}.
 *
 * @param vms        the VMs, sorted by id (containers excluded)
 * @param nodes      the nodes, sorted by name
 * @param observedAt when the cluster state was read
 */
public record ClusterOverview(List<VmInfo> vms, List<NodeInfo> nodes, Instant observedAt) {

    /** Copies and sorts. */
    public ClusterOverview {
        vms = vms.stream().sorted(Comparator.comparing(VmInfo::vmId)).toList();
        nodes = nodes.stream().sorted(Comparator.comparing(NodeInfo::node)).toList();
        Objects.requireNonNull(observedAt, "observedAt");
    }
}
