package io.pveq.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.testing.ChildJvm;
import io.pveq.core.transport.CommandResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VMIDs are claimed atomically cluster-wide: in one process and across processes sharing a folder. */
class ConcurrencyTest {

    private static final int THREADS = 32;
    private static final int FIRST = 100;
    private static final int LAST = 139;

    @Test
    void overlappingCreatesFromThirtyTwoThreadsOnThreeNodesHaveOneWinnerPerId() throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.builder().instant().build()) {
            List<NodeName> nodes = cluster.nodes();
            Map<Integer, List<String>> winners = new ConcurrentHashMap<>();
            List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                NodeName node = nodes.get(t % nodes.size());
                int offset = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i <= LAST - FIRST; i++) {
                        int id = FIRST + (i + offset) % (LAST - FIRST + 1);
                        CommandResult result = cluster.transport(node).run(List.of("qm", "create",
                                Integer.toString(id), "--memory", "512"));
                        if (result.exitCode() == 0) {
                            winners.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                    .add(node.value());
                        } else if (!result.stderr().matches("unable to create VM " + id + " - VM " + id
                                + " already exists on node 'pve[123]'\n")) {
                            problems.add(id + ": " + result.exitCode() + " " + result.stderr());
                        } else if (result.exitCode() != 255) {
                            problems.add(id + ": exit " + result.exitCode());
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : futures) {
                future.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertEquals(List.of(), problems);
            for (int id = FIRST; id <= LAST; id++) {
                assertEquals(1, winners.get(id).size(), "winners of " + id + ": " + winners.get(id));
                String owner = cluster.vmConfig(VmId.of(id)).isPresent() ? winners.get(id).get(0) : "?";
                CommandResult loser = cluster.transport(NodeName.of("pve1")).run(List.of("qm", "create",
                        Integer.toString(id)));
                assertEquals("unable to create VM " + id + " - VM " + id + " already exists on node '" + owner
                        + "'\n", loser.stderr(), "the loser's message names the winner's node");
            }
            assertEquals(LAST - FIRST + 1, cluster.vmIds().size());
        }
    }

    @Test
    void fortyConcurrentInstallsOnVirtualTimeAllFinish(@TempDir Path files) throws Exception {
        SimClock clock = SimClock.create();
        try (SimulatedCluster cluster = SimulatedCluster.builder().clock(clock).build()) {
            Path image = SimTesting.qcow2(files, "debian.qcow2", 3L << 30);
            Path keys = java.nio.file.Files.writeString(files.resolve("keys"),
                    cluster.guestAccess().authorizedKey() + "\n");
            List<NodeName> nodes = cluster.nodes();
            ExecutorService pool = Executors.newFixedThreadPool(40);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int id = 101 + i;
                NodeName node = nodes.get(i % 3);
                futures.add(pool.submit(() -> {
                    var transport = cluster.transport(node);
                    CommandResult created = transport.run(List.of("qm", "create", Integer.toString(id), "--scsi0",
                            "local-lvm:0,import-from=" + image, "--ide2", "local-lvm:cloudinit", "--ciuser", "debian",
                            "--sshkeys", keys.toString(), "--ipconfig0", "ip=127.0.10." + id + "/24"));
                    assertEquals(0, created.exitCode(), created.stderr());
                    assertEquals(0, transport.run(List.of("qm", "start", Integer.toString(id))).exitCode());
                    var endpoint = new io.pveq.core.guest.GuestEndpoint(VmId.of(id), "127.0.10." + id, 22, "debian");
                    var guests = cluster.guestAccess();
                    guests.awaitReady(endpoint, java.time.Duration.ofMinutes(3),
                            io.pveq.core.guest.GuestAccess.ReadinessListener.NONE);
                    int exit = guests.runScript(endpoint, new io.pveq.core.guest.GuestScript("init.sh", "true",
                            List.of(), Map.of(), java.util.Optional.empty()), java.time.Duration.ofMinutes(10),
                            (s, l) -> { });
                    guests.reboot(endpoint);
                    guests.awaitReady(endpoint, java.time.Duration.ofMinutes(3),
                            io.pveq.core.guest.GuestAccess.ReadinessListener.NONE);
                    return exit;
                }));
            }
            for (Future<Integer> future : futures) {
                assertEquals(0, future.get(2, TimeUnit.MINUTES));
            }
            pool.shutdown();
            assertEquals(40, cluster.vmIds().size());
            assertEquals(2, cluster.guest(VmId.of(140)).orElseThrow().boots());
        }
    }

    private static ChildJvm contender(Path folder, String node) throws IOException {
        return ChildJvm.start(ContendingCreator.class, folder.toString(), node, Integer.toString(FIRST),
                Integer.toString(LAST));
    }

    @Test
    void twoProcessesSharingAStateFolderClaimEachIdOnce(@TempDir Path folder) throws Exception {
        try (SimulatedCluster init = SimulatedCluster.builder().stateFolder(folder).instant().build()) {
            assertEquals(3, init.nodes().size());
        }
        Map<Integer, Integer> wins = new ConcurrentHashMap<>();
        List<String> problems = new ArrayList<>();
        try (ChildJvm one = contender(folder, "pve1"); ChildJvm two = contender(folder, "pve2")) {
            assertEquals("READY", one.receive());
            assertEquals("READY", two.receive());
            one.send("go");
            two.send("go");
            for (ChildJvm process : List.of(one, two)) {
                for (String line : process.receiveAll(Duration.ofMinutes(2))) {
                    String[] parts = line.split("\t", 3);
                    if (parts.length < 3) {
                        problems.add(line);
                        continue;
                    }
                    int id = Integer.parseInt(parts[0]);
                    if (parts[1].equals("0")) {
                        wins.merge(id, 1, Integer::sum);
                    } else if (!parts[2].matches("unable to create VM " + id + " - VM " + id
                            + " already exists on node 'pve[12]'")) {
                        problems.add(line);
                    }
                }
                assertEquals(0, process.awaitExit(Duration.ofMinutes(1)), process.output());
            }
        }
        assertEquals(List.of(), problems);
        for (int id = FIRST; id <= LAST; id++) {
            assertEquals(1, wins.getOrDefault(id, 0), "winners of " + id);
        }
        try (SimulatedCluster reader = SimulatedCluster.builder().stateFolder(folder).instant().build()) {
            assertEquals(LAST - FIRST + 1, reader.vmIds().size());
        }
    }
}
