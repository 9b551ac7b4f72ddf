package io.pveq.sim;

import io.pveq.core.NodeName;
import io.pveq.core.testing.ParentChannel;
import io.pveq.core.transport.CommandResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a separate JVM by {@link ConcurrencyTest}: opens a cluster persisted in a folder, says
 * {@code READY} and waits for {@code go} (so that both processes start together), then creates VMIDs
 * {@code first..last} on one node and sends {@code id<TAB>exit<TAB>stderr} per attempt, all over its
 * {@link ParentChannel}.
 */
public final class ContendingCreator {

    private ContendingCreator() {
    }

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        NodeName node = NodeName.of(args[1]);
        int first = Integer.parseInt(args[2]);
        int last = Integer.parseInt(args[3]);
        try (ParentChannel parent = ParentChannel.open();
             SimulatedCluster cluster = SimulatedCluster.builder().stateFolder(folder).instant().build()) {
            parent.send("READY");
            parent.receive();
            for (int id = first; id <= last; id++) {
                CommandResult result = cluster.transport(node).run(List.of("qm", "create", Integer.toString(id)));
                parent.send(id + "\t" + result.exitCode() + "\t" + result.stderr().strip().replace('\n', ' '));
            }
        }
    }
}
