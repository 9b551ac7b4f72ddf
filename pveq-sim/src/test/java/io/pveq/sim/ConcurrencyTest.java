package io.pveq.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.transport.CommandResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    void twoProcessesSharingAStateFolderClaimEachIdOnce(@TempDir Path folder) throws Exception {
        try (SimulatedCluster init = SimulatedCluster.builder().stateFolder(folder).instant().build()) {
            assertEquals(3, init.nodes().size());
        }
        List<Process> processes = new ArrayList<>();
        for (String node : List.of("pve1", "pve2")) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    ContendingCreator.class.getName(), folder.toString(), node, Integer.toString(FIRST),
                    Integer.toString(LAST)).redirectErrorStream(true).start());
        }
        Map<Integer, Integer> wins = new ConcurrentHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Process process : processes) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String[] parts = line.split("\t", 3);
                    if (parts.length < 2) {
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
            }
            assertTrue(process.waitFor(2, TimeUnit.MINUTES));
            assertEquals(0, process.exitValue());
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
