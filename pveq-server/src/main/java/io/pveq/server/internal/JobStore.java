package io.pveq.server.internal;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.PveqException;
import io.pveq.core.store.DurableOperations;
import io.pveq.server.EnvConfig;
import io.pveq.server.StateConfig;
import io.pveq.store.jdbc.JdbcOperationStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's job store as configured ({@code JOB_STORE_URL}): SQLite in {@code DATA_DIR} by default,
 * PostgreSQL for several instances, or none ({@code memory}). Closed after the provisioner.
 */
final class JobStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

    private final Optional<JdbcOperationStore> store;
    private final Optional<DurableOperations> durable;
    private final String description;

    private JobStore(Optional<JdbcOperationStore> store, Optional<DurableOperations> durable, String description) {
        this.store = store;
        this.durable = durable;
        this.description = description;
    }

    static JobStore open(EnvConfig config) {
        StateConfig s = config.state();
        if (s.store() instanceof StateConfig.Store.Memory) {
            LOG.warn("JOB_STORE_URL=memory: jobs are not kept; a restart forgets them and leaves what was running as it was");
            return new JobStore(Optional.empty(), Optional.empty(), "memory");
        }
        JdbcOperationStore jdbc;
        try {
            jdbc = s.store() instanceof StateConfig.Store.Jdbc url
                    ? JdbcOperationStore.connect(url.url(), s.storeUser(), s.storePassword())
                    : JdbcOperationStore.embedded(s.dataDir());
        } catch (PveqException e) {
            throw new InvalidSpecException(s.store() instanceof StateConfig.Store.Jdbc ? "JOB_STORE_URL" : "DATA_DIR",
                    e.getMessage());
        }
        try {
            String instance = s.instance().orElseGet(() -> generatedInstance(s.dataDir()));
            try {
                jdbc.reserveInstance(instance); // PostgreSQL: a second live server with this name stops here
            } catch (PveqException e) {
                throw new InvalidSpecException("INSTANCE_ID", e.getMessage());
            }
            Duration poll = s.lease().dividedBy(5).compareTo(Duration.ofSeconds(1)) < 0 ? s.lease().dividedBy(5)
                    : Duration.ofSeconds(1);
            DurableOperations durable = new DurableOperations(jdbc, instance, s.lease(), poll, s.history());
            LOG.info("jobs are kept in {} (instance {}, lease {}s)", jdbc.describe(), instance, s.lease().toSeconds());
            return new JobStore(Optional.of(jdbc), Optional.of(durable), jdbc.describe());
        } catch (RuntimeException e) {
            jdbc.close();
            throw e;
        }
    }

    /** The instance name kept in {@code DATA_DIR/instance-id}, made up once: stable across restarts. */
    private static String generatedInstance(Path dataDir) {
        Path file = dataDir.resolve("instance-id");
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(dataDir);
            byte[] random = new byte[4];
            ThreadLocalRandom.current().nextBytes(random);
            String id = "pveq-" + HexFormat.of().formatHex(random);
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new InvalidSpecException("DATA_DIR", "cannot keep the instance name in " + file + ": " + e.getMessage()
                    + " (or set INSTANCE_ID)");
        }
    }

    Optional<DurableOperations> durable() {
        return durable;
    }

    void facts(Map<String, Object> facts) {
        facts.put("job_store", description);
        durable.ifPresent(d -> facts.put("instance", d.instance()));
    }

    @Override
    public void close() {
        store.ifPresent(JdbcOperationStore::close);
    }
}
