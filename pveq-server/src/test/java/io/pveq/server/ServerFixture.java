package io.pveq.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.VmProvisioner;
import io.pveq.server.internal.ServerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** A running server on 127.0.0.1 (free port) over a given provisioner, with a JDK HTTP client. */
final class ServerFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final PveqServer server;
    final VmProvisioner provisioner;
    final ServerMetrics metrics;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Path shDir;

    ServerFixture(VmProvisioner provisioner, Consumer<ServerConfig.Builder> tweak) {
        this(provisioner, new ServerMetrics(), tweak);
    }

    ServerFixture(VmProvisioner provisioner, ServerMetrics metrics, Consumer<ServerConfig.Builder> tweak) {
        this(provisioner, metrics, tweak, java.util.Optional.empty());
    }

    /** A server that also serves the endpoints over the Proxmox REST API {@code api}. */
    ServerFixture(VmProvisioner provisioner, ServerMetrics metrics, Consumer<ServerConfig.Builder> tweak,
                  java.util.Optional<io.pveq.api.ProxmoxApi> api) {
        this.provisioner = provisioner;
        this.metrics = metrics;
        try {
            shDir = Files.createTempDirectory("pveq-sh");
            Files.createDirectories(shDir.resolve("lib"));
            Files.writeString(shDir.resolve("lib/common.sh"), "common_fn() { :; }\n");
            Files.writeString(shDir.resolve("debian_12.sh"), "#!/usr/bin/env bash\n# pveq:include lib/common.sh\nmain debian 12\n");
            Files.writeString(shDir.resolve("secret.txt"), "not served\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig.Builder b = ServerConfig.builder().bindAddress("127.0.0.1").port(0).shDir(shDir)
                .sseHeartbeat(Duration.ofSeconds(5));
        tweak.accept(b);
        server = PveqServer.start(b.build(), provisioner, metrics, Map.of("mode", "test"), api);
    }

    int port() {
        return server.port();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return send(r.build());
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return send(r.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    @Override
    public void close() {
        server.close();
        provisioner.close();
        try (java.util.stream.Stream<Path> paths = Files.walk(shDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
