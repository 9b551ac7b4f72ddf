package io.pveq.sim;

import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandResult;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a separate JVM by {@link ConcurrencyTest}: creates VMIDs {@code first..last} on one node of
 * a cluster persisted in a folder and prints {@code id exit stderr} per attempt.
 */
public final class ContendingCreator {

    private ContendingCreator() {
    }

    public static void main(String[] args) {
        Path folder = Path.of(args[0]);
        NodeName node = NodeName.of(args[1]);
        int first = Integer.parseInt(args[2]);
        int last = Integer.parseInt(args[3]);
        try (SimulatedCluster cluster = SimulatedCluster.builder().stateFolder(folder).instant().build()) {
            for (int id = first; id <= last; id++) {
                CommandResult result = cluster.transport(node).run(List.of("qm", "create", Integer.toString(id)));
                System.out.println(id + "\t" + result.exitCode() + "\t" + result.stderr().strip());
            }
        }
    }
}
