package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.CommandLineCluster;
import io.pveq.core.NodeName;
import io.pveq.core.ProxmoxListener;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.internal.cluster.OpsContext;
import io.pveq.core.testing.ScriptedCommandTransport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterRouterTest {

    private static final String RESOURCES = "pvesh";

    private final ScriptedCommandTransport main = new ScriptedCommandTransport();
    private final ScriptedCommandTransport other = new ScriptedCommandTransport();

    private ClusterRouter router(int heavy) {
        CommandLineCluster cluster = CommandLineCluster.builder().local(NodeName.of("pve1"), main)
                .commandsOnly(NodeName.of("pve2"), other).build();
        return new ClusterRouter(cluster.open(new OpsContext(Duration.ofMinutes(1), Duration.ofMinutes(5),
                ProxmoxListener.NONE)), Optional.empty(), heavy);
    }

    private void vmOn(String node) {
        main.ok(List.of(RESOURCES, "get", "/cluster/resources", "--type", "vm", "--output-format", "json"),
                "[{\"id\":\"qemu/101\",\"vmid\":101,\"node\":\"" + node + "\",\"type\":\"qemu\",\"status\":\"running\"},"
                        + "{\"id\":\"lxc/102\",\"vmid\":102,\"node\":\"pve1\",\"type\":\"lxc\",\"status\":\"running\"}]");
    }

    @Test
    void findsTheNodeOfAVmFromFreshClusterStateEveryTime() {
        ClusterRouter router = router(2);
        vmOn("pve1");
        assertEquals(NodeName.of("pve1"), router.nodeOf(VmId.of(101)));
        vmOn("pve2");
        assertEquals(NodeName.of("pve2"), router.nodeOf(VmId.of(101)), "the VM migrated: no stale cache");
        assertThrows(VmNotFoundException.class, () -> router.nodeOf(VmId.of(102)), "a container is not a VM");
        router.close();
    }

    @Test
    void theNodesWithATransportAreReachableAndTheMainNodeIsTheDefault() {
        ClusterRouter router = router(2);
        assertEquals(List.of(NodeName.of("pve1"), NodeName.of("pve2")), router.reachableNodes());
        assertEquals(NodeName.of("pve1"), router.defaultNode());
        router.close();
    }

    @Test
    void onlineNodesComeFromTheCluster() {
        ClusterRouter router = router(2);
        main.ok(List.of(RESOURCES, "get", "/cluster/resources", "--type", "node", "--output-format", "json"),
                "[{\"node\":\"pve2\",\"status\":\"online\",\"type\":\"node\"},"
                        + "{\"node\":\"pve1\",\"status\":\"offline\",\"type\":\"node\"}]");
        assertEquals(List.of(NodeName.of("pve2")), router.onlineNodes());
        router.close();
    }

    @Test
    void anUnreadableClusterIsReportedAsSuch() {
        ClusterRouter router = router(2);
        ClusterUnavailableException e = assertThrows(ClusterUnavailableException.class, router::onlineNodes);
        assertTrue(e.getMessage().contains("cannot read the cluster's nodes"), e.getMessage());
        router.close();
        assertThrows(ClusterUnavailableException.class, router::onlineNodes, "closed");
    }

    @Test
    void heavyTasksWaitForAFreeSlotOnTheirNode() throws Exception {
        ClusterRouter router = router(1);
        ClusterRouter.Permit held = router.acquireHeavyTask(NodeName.of("pve1"));
        router.acquireHeavyTask(NodeName.of("pve2")).close();
        Thread waiter = new Thread(() -> router.acquireHeavyTask(NodeName.of("pve1")).close());
        waiter.start();
        while (waiter.getState() != Thread.State.WAITING && waiter.isAlive()) {
            Thread.onSpinWait();
        }
        assertTrue(waiter.isAlive(), "the second task on pve1 waits");
        held.close();
        held.close();
        waiter.join();
        assertFalse(waiter.isAlive());
        router.close();
    }
}
