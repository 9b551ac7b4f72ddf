package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pveq.core.InvalidSpecException;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode refuses to start, naming the variable, when the SSH files it needs are missing. */
class BackendClusterTest {

    private static Map<String, String> cluster(Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY", "127.0.20.1");
        env.put("MAIN_NODE", "pve1");
        env.put("NODE_pve1", "127.0.20.11");
        env.put("NODE_pve2", "127.0.20.12");
        env.put("ASSIGN_STORAGE", "local-lvm");
        env.put("IMAGE_CACHE_DIR", dir.resolve("cache").toString());
        env.put("GUEST_SSH_KEY", dir.resolve("guest").toString());
        env.put("SSH_KEY", dir.resolve("missing_key").toString());
        env.put("SSH_KNOWN_HOSTS", dir.resolve("missing_known_hosts").toString());
        return env;
    }

    @Test
    void missingNodeKeyOrKnownHostsNamesTheVariable(@TempDir Path dir) throws Exception {
        Map<String, String> env = cluster(dir);
        assertEquals("SSH_KEY", assertThrows(InvalidSpecException.class,
                () -> Backend.create(EnvConfig.load(env), new ServerMetrics())).field());
        Files.writeString(dir.resolve("missing_key"), "not really a key\n");
        assertEquals("SSH_KNOWN_HOSTS", assertThrows(InvalidSpecException.class,
                () -> Backend.create(EnvConfig.load(env), new ServerMetrics())).field());
    }
}
