package io.pveq.api.engine;

import io.pveq.api.ProxmoxApi;
import io.pveq.api.StorageVolume;
import io.pveq.core.NodeName;
import io.pveq.sim.SimulatedCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What import images the simulated cluster's nodes hold, read over its REST API. */
final class ImportImages {

    private ImportImages() {
    }

    /** @return every import volume of every node's {@code local} storage, as {@code node:volid} */
    static List<String> on(SimulatedCluster cluster) {
        List<String> out = new ArrayList<>();
        try (ProxmoxApi api = Dialect.api(cluster)) {
            for (NodeName node : cluster.nodes()) {
                for (StorageVolume v : api.nodes().content(node, "local", Optional.of("import"))) {
                    out.add(node + ":" + v.volid());
                }
            }
        }
        return out;
    }
}
