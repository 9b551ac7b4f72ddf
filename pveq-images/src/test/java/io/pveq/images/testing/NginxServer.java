package io.pveq.images.testing;

import io.pveq.core.testing.TestPeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private nginx on 127.0.0.1 serving {@link #root()}; {@code /norange/...} serves the same files
 * with Range support switched off ({@code max_ranges 0}). Every request is logged as one line
 * {@code METHOD URI STATUS RANGE} in {@link #accessLog()}, so tests can count upstream requests.
 */
public final class NginxServer implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final int port;

    private NginxServer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts nginx with its own config in {@code dir} and waits until it accepts connections. Without
     * nginx the test fails at once, naming the package to install ({@link TestPeer}).
     */
    public static NginxServer start(Path dir) throws IOException, InterruptedException {
        Path nginx = TestPeer.NGINX.require();
        Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(dir.resolve("tmp"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String conf = """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 512; }
                http {
                    log_format counting '$request_method $uri $status "$http_range"';
                    access_log %1$s/access.log counting;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    default_type application/octet-stream;
                    sendfile on;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/www;
                        location /norange/ {
                            alias %1$s/www/;
                            max_ranges 0;
                        }
                    }
                }
                """.formatted(dir.toAbsolutePath(), port);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(nginx.toString(), "-e", dir.resolve("error.log").toString(),
                "-p", dir.toString(), "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        NginxServer server = new NginxServer(dir, process, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited: " + Files.readString(dir.resolve("nginx.out")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return server;
            } catch (IOException notYet) {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
        server.close();
        throw new IOException("nginx did not start on port " + port);
    }

    /** @return the served folder */
    public Path root() {
        return dir.resolve("www");
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:port/} */
    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** @return the access log lines so far ({@code METHOD URI STATUS "RANGE"}) */
    public List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** @return access log lines for GETs of paths ending with {@code suffix} */
    public List<String> gets(String suffix) throws IOException {
        return accessLog().stream().filter(l -> l.startsWith("GET ") && l.split(" ")[1].endsWith(suffix)).toList();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
