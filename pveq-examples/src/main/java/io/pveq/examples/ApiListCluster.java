package io.pveq.examples;

import io.pveq.api.ClusterResource;
import io.pveq.api.NodeStatus;
import io.pveq.api.NodeSummary;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.TaskListener;
import io.pveq.api.VmCreateSpec;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.pveq.core.PveqException;
import io.pveq.core.StorageInfo;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * Lists a cluster over the Proxmox REST API with pveq-api: version, nodes with their CPU level,
 * storages, and every guest. Against a simulated cluster (with two VMs made for the occasion, destroyed
 * at the end) unless {@code PVE_API_URL},
 * {@code PVE_API_TOKEN} and {@code PVE_API_FINGERPRINT} name a real one.
 *
 * <pre>
 * pveq-examples/run.sh ApiListCluster
 * PVE_API_URL=https://pve1:8006 PVE_API_TOKEN='pveq@pve!list=...' PVE_API_FINGERPRINT=AB:CD:... pveq-examples/run.sh ApiListCluster
 * </pre>
 */
public final class ApiListCluster {

    private ApiListCluster() {
    }

    /** Runs the example on {@code System.out} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(System.out, System.getenv()));
    }

    /**
     * @param out where to print
     * @param env the environment to read the connection from
     * @return 0 on success, 1 on failure
     */
    public static int run(PrintStream out, Map<String, String> env) {
        try (ApiTarget target = ApiTarget.open(env)) {
            ProxmoxApi api = target.api();
            List<VmId> demo = new ArrayList<>();
            if (target.simulated()) { // give the empty simulated cluster something to list
                for (String name : List.of("web", "db")) {
                    VmId id = api.cluster().nextId();
                    NodeName node = NodeName.of(name.equals("web") ? "pve1" : "pve2");
                    api.tasks().await(api.vms().create(node, VmCreateSpec.builder(id).name(name).memoryMiB(1024)
                            .start(name.equals("web")).build()), Duration.ofMinutes(1), TaskListener.NONE);
                    demo.add(id);
                }
            }
            out.println("Proxmox VE " + api.version().version() + " at " + target.description());
            out.printf(Locale.ROOT, "%-8s %-8s %5s %10s  %s%n", "NODE", "STATUS", "CPUS", "MEM MiB", "CPU LEVEL");
            for (NodeSummary node : api.nodes().list()) {
                String level = "-";
                if (node.online()) {
                    NodeStatus status = api.nodes().status(node.node());
                    level = status.cpuLevel().toString();
                }
                out.printf(Locale.ROOT, "%-8s %-8s %5d %10d  %s%n", node.node(), node.status(), node.maxCpu(),
                        node.maxMem() >> 20, level);
                for (StorageInfo storage : api.nodes().storages(node.node())) {
                    out.printf(Locale.ROOT, "  storage %-12s %-8s %s%n", storage.storage(), storage.type(),
                            String.join(",", new java.util.TreeSet<>(storage.content())));
                }
            }
            out.printf(Locale.ROOT, "%-6s %-20s %-8s %-8s%n", "VMID", "NAME", "STATUS", "NODE");
            api.cluster().guests().stream().sorted(Comparator.comparing(ClusterResource.Guest::vmId))
                    .forEach(g -> out.printf(Locale.ROOT, "%-6s %-20s %-8s %-8s%n", g.vmId(), g.name(), g.status(),
                            g.node()));
            for (VmId id : demo) {
                NodeName node = api.cluster().findGuest(id).orElseThrow().node();
                if (api.vms().status(node, id).status().isRunning()) {
                    api.tasks().await(api.vms().stop(node, id), Duration.ofMinutes(1), TaskListener.NONE);
                }
                api.tasks().await(api.vms().delete(node, id, true), Duration.ofMinutes(1), TaskListener.NONE);
            }
            return 0;
        } catch (PveqException | IllegalArgumentException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }
}
