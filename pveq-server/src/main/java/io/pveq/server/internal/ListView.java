package io.pveq.server.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pveq.core.ClusterOverview;
import io.pveq.core.NodeInfo;
import io.pveq.core.OsRelease;
import io.pveq.core.VmInfo;
import java.util.List;

/**
 * The body of {@code GET /api/vm/list}, exactly SPEC.md's shape: memory in MB, disk in GB, node
 * usage as fractions.
 *
 * @param success always true
 * @param vms     the VMs
 * @param nodes   the nodes
 */
public record ListView(boolean success, List<Vm> vms, List<Node> nodes) {

    /** One VM. {@code os} is empty for VMs pveq did not install. */
    public record Vm(int vmid, String name, String os, boolean running, String node, int cpu, long disk, long memory,
                     @JsonProperty("memory_used") long memoryUsed) {
    }

    /** One node. */
    public record Node(String node, @JsonProperty("max_cpu") int maxCpu, @JsonProperty("max_memory") long maxMemory,
                       double cpu, double memory, @JsonProperty("memory_used") long memoryUsed, double disk,
                       boolean running) {
    }

    /** @return the view of an overview */
    public static ListView of(ClusterOverview overview) {
        List<Vm> vms = overview.vms().stream().map(ListView::vm).toList();
        List<Node> nodes = overview.nodes().stream().map(ListView::node).toList();
        return new ListView(true, vms, nodes);
    }

    private static Vm vm(VmInfo v) {
        return new Vm(v.vmId().value(), v.name(), v.os().map(OsRelease::os).orElse(""), v.running(), v.node().value(),
                v.cpu(), v.diskGb(), v.memoryMb(), v.memoryUsedMb());
    }

    private static Node node(NodeInfo n) {
        return new Node(n.node().value(), n.maxCpu(), n.maxMemoryMb(), n.cpu(), n.memory(), n.memoryUsedMb(), n.disk(),
                n.online());
    }
}
