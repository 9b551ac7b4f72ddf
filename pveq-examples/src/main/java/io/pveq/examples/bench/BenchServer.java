package io.pveq.examples.bench;

import io.pveq.server.EnvConfig;
import io.pveq.server.PveqServer;
import io.pveq.server.ServerConfig;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The server over the real provisioner on a simulated cluster, on 127.0.0.1, for the server benchmarks. */
final class BenchServer implements AutoCloseable {

    final SimulatedCluster cluster;
    final Backend.Built built;
    final PveqServer server;

    BenchServer(SimulatedCluster cluster, int httpThreads) {
        this.cluster = cluster;
        EnvConfig config = EnvConfig.load(Map.of("BIND_ADDRESS", "127.0.0.1", "PORT", "0", "JOB_WORKERS", "8",
                "JOB_STORE_URL", "memory"));
        ServerMetrics metrics = new ServerMetrics();
        this.built = Backend.simulated(config, metrics, cluster);
        ServerConfig sc = ServerConfig.builder().bindAddress("127.0.0.1").port(0).httpMaxThreads(httpThreads)
                .jobs(8, 32).listMaxAge(java.time.Duration.ofMillis(Integer.getInteger("pveq.bench.listCacheMs", 1000)))
                .build();
        this.server = PveqServer.start(sc, built.provisioner(), metrics, built.facts());
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() throws Exception {
        server.close();
        built.provisioner().close();
        for (AutoCloseable c : built.extra()) {
            c.close();
        }
    }

    /** Writes {@code json} to {@code pveq-examples/target/bench/<name>} (or {@code target/bench/}) and returns the path. */
    static Path writeJson(String name, String json) throws IOException {
        Path base = Files.isDirectory(Path.of("pveq-examples")) ? Path.of("pveq-examples", "target", "bench")
                : Path.of("target", "bench");
        Files.createDirectories(base);
        Path file = base.resolve(name);
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    static String machine() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch");
    }
}
