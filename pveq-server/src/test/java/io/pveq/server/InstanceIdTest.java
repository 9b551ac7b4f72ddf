package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InvalidSpecException;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.SimulatedCluster;
import io.pveq.store.jdbc.PostgresPeer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two live servers on one PostgreSQL job store never share an INSTANCE_ID; a name comes free when its server stops. */
class InstanceIdTest {

    @TempDir
    Path dir;

    private EnvConfig config(String url, String user, String instance, String name) {
        return EnvConfig.load(Map.of("BIND_ADDRESS", "127.0.0.1", "PORT", "0", "JOB_STORE_URL", url, "JOB_STORE_USER", user,
                "INSTANCE_ID", instance, "DATA_DIR", dir.resolve(name).toString()));
    }

    private static void close(Backend.Built built) throws Exception {
        built.provisioner().close();
        for (AutoCloseable c : built.extra()) {
            c.close();
        }
    }

    @Test
    void aSecondServerWithTheSameInstanceIdIsRefusedNamingTheSetting() throws Exception {
        try (PostgresPeer postgres = PostgresPeer.start()) {
            String url = postgres.newDatabase("instances");
            SimulatedCluster sim = SimulatedCluster.builder().build();
            Backend.Built first = Backend.simulated(config(url, postgres.user(), "twin", "a"), new ServerMetrics(), sim);
            try {
                InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Backend.simulated(
                        config(url, postgres.user(), "twin", "b"), new ServerMetrics(), sim));
                assertEquals("INSTANCE_ID", e.field());
                assertTrue(e.rule().contains("instance name 'twin' is in use by another live server"), e.rule());
                close(Backend.simulated(config(url, postgres.user(), "other", "c"), new ServerMetrics(), sim));
            } finally {
                close(first);
            }
            close(Backend.simulated(config(url, postgres.user(), "twin", "d"), new ServerMetrics(), sim));
        }
    }
}
