package io.pveq.sim;

import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared helpers for the simulator's tests. */
final class SimTesting {

    static final NodeName PVE1 = NodeName.of("pve1");
    static final NodeName PVE2 = NodeName.of("pve2");
    static final NodeName PVE3 = NodeName.of("pve3");

    private SimTesting() {
    }

    /** A default three-node cluster on virtual time. */
    static SimulatedCluster cluster() {
        return SimulatedCluster.builder().clock(SimClock.create()).build();
    }

    static CommandResult run(SimulatedCluster cluster, NodeName node, String... argv) {
        return cluster.transport(node).run(List.of(argv));
    }

    /** Writes a qcow2 header with the given virtual size followed by a little payload. */
    static Path qcow2(Path dir, String name, long virtualSize) {
        ByteBuffer header = ByteBuffer.allocate(4096);
        header.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb});
        header.putInt(3);
        header.position(24);
        header.putLong(virtualSize);
        Path file = dir.resolve(name);
        try {
            Files.write(file, header.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
