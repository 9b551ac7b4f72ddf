package io.pveq.server;

import io.pveq.core.InvalidSpecException;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code pveq-server.jar}: reads the environment and {@code .env}, builds the
 * provisioner (the simulated cluster when nothing is configured), serves the API, and on SIGTERM
 * shuts down gracefully. Exit code 2 for a configuration error (the message names the variable),
 * 1 when the server cannot start.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /** @param args ignored: configuration comes from the environment */
    public static void main(String[] args) {
        EnvConfig config;
        try {
            config = EnvConfig.fromEnvironment(Path.of("."));
        } catch (InvalidSpecException e) {
            System.err.println("pveq-server: configuration error: " + e.field() + ": " + e.rule());
            System.exit(2);
            return;
        }
        for (String name : config.unknownDotEnvNames()) {
            LOG.warn(".env sets {}, which pveq does not read (a typo?)", name);
        }
        ServerMetrics metrics = new ServerMetrics();
        Backend.Built built;
        try {
            built = Backend.create(config, metrics);
        } catch (InvalidSpecException e) {
            System.err.println("pveq-server: configuration error: " + e.field() + ": " + e.rule());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("pveq-server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (config.simulated()) {
            String line = "*".repeat(100);
            LOG.warn(line);
            LOG.warn("*** SIMULATED CLUSTER: no cluster is configured (GATEWAY, MAIN_NODE, NODE_<name>, ASSIGN_STORAGE),");
            LOG.warn("*** so pveq runs on a built-in simulated 3-node cluster with a local image mirror. No real VM is made.");
            LOG.warn(line);
        }
        LOG.info("pveq-server: {}", config.describe());
        Map<String, Object> info = new LinkedHashMap<>(built.facts());
        PveqServer server;
        try {
            server = PveqServer.start(config.server(), built.provisioner(), metrics, info, built.api());
        } catch (RuntimeException e) {
            System.err.println("pveq-server: cannot start HTTP on " + config.server().bindAddress() + ":"
                    + config.server().port() + ": " + e.getMessage());
            close(built);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("pveq-server: shutting down");
            server.close();
            close(built);
            LOG.info("pveq-server: stopped");
            if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
                logs.stop(); // flushes the asynchronous access log
            }
        }, "pveq-shutdown"));
    }

    private static void close(Backend.Built built) {
        try {
            built.provisioner().close();
        } catch (RuntimeException e) {
            LOG.warn("closing the provisioner failed: {}", e.toString());
        }
        for (AutoCloseable c : built.extra()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
