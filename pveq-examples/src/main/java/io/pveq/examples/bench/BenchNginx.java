package io.pveq.examples.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A private nginx on 127.0.0.1 for benchmarks: serves {@code dir/www}, logs {@code METHOD URI STATUS}. */
final class BenchNginx implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final int port;

    private BenchNginx(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    static BenchNginx start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(dir.resolve("tmp"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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
                    log_format counting '$request_method $uri $status';
                    access_log %1$s/access.log counting;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    default_type application/octet-stream;
                    sendfile on;
                    tcp_nopush on;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/www;
                    }
                }
                """.formatted(dir.toAbsolutePath(), port);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder("/usr/sbin/nginx", "-e", dir.resolve("error.log").toString(),
                "-p", dir.toString(), "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        BenchNginx nginx = new BenchNginx(dir, process, port);
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited: " + Files.readString(dir.resolve("nginx.out")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return nginx;
            } catch (IOException notYet) {
                process.waitFor(25, TimeUnit.MILLISECONDS);
            }
        }
        nginx.close();
        throw new IOException("nginx did not start");
    }

    Path root() {
        return dir.resolve("www");
    }

    String base() {
        return "http://127.0.0.1:" + port + "/";
    }

    long gets(String suffix) throws IOException {
        Path log = dir.resolve("access.log");
        if (!Files.exists(log)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(log);
        return lines.stream().filter(l -> l.startsWith("GET ") && l.split(" ")[1].endsWith(suffix)).count();
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
