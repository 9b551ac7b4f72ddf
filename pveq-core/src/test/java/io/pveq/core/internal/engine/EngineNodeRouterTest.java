package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.NodeName;
import io.pveq.core.NodeRouter;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProvisionerSetup.NodeConnection;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.testing.ScriptedCommandTransport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineNodeRouterTest {

    private static final String RESOURCES = "pvesh";

    private final ScriptedCommandTransport main = new ScriptedCommandTransport();
    private final ScriptedCommandTransport other = new ScriptedCommandTransport();

    private EngineNodeRouter router(int heavy) {
        ProvisionerSettings settings = ProvisionerSettings.builder().mainNode("pve1").node("pve2", "pve2.test")
                .storage("local-lvm").gateway("192.168.0.1").heavyTasksPerNode(heavy).build();
        return new EngineNodeRouter(settings, Map.of(NodeName.of("pve1"), NodeConnection.local(main),
                NodeName.of("pve2"), new NodeConnection(other, false, java.util.Optional.empty())));
    }

    private void vmOn(String node) {
        main.ok(List.of(RESOURCES, "get", "/cluster/resources", "--type", "vm"),
                "[{\"id\":\"qemu/101\",\"vmid\":101,\"node\":\"" + node + "\",\"type\":\"qemu\",\"status\":\"running\"},"
                        + "{\"id\":\"lxc/102\",\"vmid\":102,\"node\":\"pve1\",\"type\":\"lxc\",\"status\":\"running\"}]");
    }

    @Test
    void findsTheNodeOfAVmFromFreshClusterStateEveryTime() {
        try (EngineNodeRouter router = router(2)) {
            vmOn("pve1");
            assertEquals(NodeName.of("pve1"), router.nodeOf(VmId.of(101)));
            vmOn("pve2");
            assertEquals(NodeName.of("pve2"), router.nodeOf(VmId.of(101)), "the VM migrated: no stale cache");
            assertThrows(VmNotFoundException.class, () -> router.nodeOf(VmId.of(102)), "a container is not a VM");
        }
    }

    @Test
    void routesEachNodeToItsTransportAndKnowsWhichIsLocal() {
        try (EngineNodeRouter router = router(2)) {
            assertTrue(router.isLocal(NodeName.of("pve1")));
            assertFalse(router.isLocal(NodeName.of("pve2")));
            assertEquals(other, router.transport(NodeName.of("pve2")));
            assertEquals(List.of(NodeName.of("pve1"), NodeName.of("pve2")), router.configuredNodes());
            assertThrows(NodeUnavailableException.class, () -> router.transport(NodeName.of("pve9")));
        }
    }

    @Test
    void onlineNodesComeFromTheCluster() {
        try (EngineNodeRouter router = router(2)) {
            main.ok(List.of(RESOURCES, "get", "/cluster/resources", "--type", "node"),
                    "[{\"node\":\"pve2\",\"status\":\"online\",\"type\":\"node\"},"
                            + "{\"node\":\"pve1\",\"status\":\"offline\",\"type\":\"node\"}]");
            assertEquals(List.of(NodeName.of("pve2")), router.onlineNodes());
        }
    }

    @Test
    void anUnreadableClusterIsReportedAsSuch() {
        try (EngineNodeRouter router = router(2)) {
            ClusterUnavailableException e = assertThrows(ClusterUnavailableException.class, router::onlineNodes);
            assertTrue(e.getMessage().contains("main node pve1"), e.getMessage());
        }
    }

    @Test
    void heavyTasksWaitForAFreeSlotOnTheirNode() throws Exception {
        try (EngineNodeRouter router = router(1)) {
            NodeRouter.Permit held = router.acquireHeavyTask(NodeName.of("pve1"));
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
        }
    }
}
