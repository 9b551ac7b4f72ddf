package io.pveq.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package) run privately for a test: {@code initdb}
 * into a folder of the test's, {@code postgres} on 127.0.0.1 at a free port with its socket in that
 * folder, trust authentication for user {@code pveq}. As root, both run as the package's {@code postgres}
 * user through {@code setpriv} (initdb refuses root). Durability settings are relaxed (no fsync): tests
 * kill pveq, never PostgreSQL. A missing PostgreSQL fails the test at once, naming the package.
 * {@link #close()} stops the server (fast shutdown).
 */
public final class PostgresPeer implements AutoCloseable {

    private final Process server;
    private final int port;
    private final Path log;
    private final Path folder;

    private PostgresPeer(Process server, int port, Path log, Path folder) {
        this.server = server;
        this.port = port;
        this.log = log;
        this.folder = folder;
    }

    /** @return the folder of PostgreSQL's programs (the newest installed version) */
    public static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                        .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString()
                                .replaceAll("\\D", "0"))))
                        .orElseThrow(PostgresPeer::missing);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw missing();
    }

    private static AssertionError missing() {
        return new AssertionError("PostgreSQL is not installed: apt-get install -y --no-install-recommends postgresql"
                + " (.ci/run does this)");
    }

    /**
     * Initialises a cluster in a folder of its own under the system's temporary folder (a test's own
     * temporary folder is closed to the postgres user) and starts it; {@link #close()} deletes the folder.
     *
     * @return the running server
     */
    public static PostgresPeer start() throws IOException, InterruptedException {
        return start(false);
    }

    /**
     * @param durable true for PostgreSQL's own defaults (fsync, synchronous commit: what a production job
     *                store runs with; benchmarks), false for the relaxed settings tests use
     * @return the running server
     */
    public static PostgresPeer start(boolean durable) throws IOException, InterruptedException {
        Path bin = binaries();
        Path folder = Files.createTempDirectory("pveq-postgres");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipal postgres = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(folder, postgres);
        }
        Path data = folder.resolve("data");
        Path log = folder.resolve("postgres.log");
        run(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "pveq",
                "-E", "UTF8", "--no-sync", "--no-instructions"), log);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            }
            List<String> argv = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-k", folder.toString(), "-c", "listen_addresses=127.0.0.1", "-p", Integer.toString(port),
                    "-c", "max_connections=200", "-c", "shared_buffers=32MB"));
            if (!durable) {
                argv.addAll(List.of("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
            }
            Process p = command(root, argv)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            PostgresPeer peer = new PostgresPeer(p, port, log, folder);
            if (peer.awaitReady()) {
                peer.execute("postgres", "CREATE DATABASE pveq");
                return peer;
            }
            peer.close();
            last = new IOException("PostgreSQL did not start on port " + port + ": " + peer.logTail());
        }
        throw last;
    }

    private static ProcessBuilder command(boolean root, List<String> argv) {
        List<String> all = new ArrayList<>();
        if (root) {
            all.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"));
        }
        all.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(all);
        pb.environment().put("LC_ALL", "C");
        return pb;
    }

    private static void run(boolean root, List<String> argv, Path log) throws IOException, InterruptedException {
        Process p = command(root, argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(argv.get(0) + " failed: " + Files.readString(log));
        }
    }

    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && server.isAlive()) {
            try (Connection c = DriverManager.getConnection(url("postgres"), "pveq", "")) {
                return c.isValid(5);
            } catch (SQLException notYet) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    /** @return the JDBC URL of database {@code pveq} */
    public String jdbcUrl() {
        return url("pveq");
    }

    /** @return the JDBC URL of a database on this server */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** @return the port it listens on */
    public int port() {
        return port;
    }

    /** @return the user to connect as (no password) */
    public String user() {
        return "pveq";
    }

    /** Creates a fresh database (a test's own) and returns its URL. */
    public String newDatabase(String name) {
        execute("postgres", "CREATE DATABASE " + name);
        return url(name);
    }

    private void execute(String database, String sql) {
        try (Connection c = DriverManager.getConnection(url(database), "pveq", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the server: fast shutdown (SIGINT), forcibly after 20 s. */
    @Override
    public void close() {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).start().waitFor(5, TimeUnit.SECONDS);
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary folder: harmless
        }
    }
}
