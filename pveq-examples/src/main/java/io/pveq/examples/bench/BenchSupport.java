package io.pveq.examples.bench;

import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Shared pieces of the engine benchmarks: a local test image, a timing transport, statistics, output. */
final class BenchSupport {

    private BenchSupport() {
    }

    /** Serves one generated file as every release's image and uploads it with the node's FileTransfer. */
    static final class LocalImages implements ImageProvider {
        private final Path file;
        private final String sha;

        LocalImages() {
            try {
                file = Files.createTempFile("pveq-bench-", ".qcow2");
                file.toFile().deleteOnExit();
                byte[] bytes = new byte[64 * 1024];
                Files.write(file, bytes);
                sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<OsRelease> supported() {
            return List.of(OsRelease.of("debian", "12"));
        }

        @Override
        public ImageSource resolve(OsRelease release) {
            return new ImageSource(release, URI.create("http://127.0.0.1:9/debian.qcow2"),
                    URI.create("http://127.0.0.1:9/SHA512SUMS"), "debian.qcow2");
        }

        @Override
        public void validate(ImageSource source) {
        }

        @Override
        public LocalImage fetch(ImageSource source, DownloadProgress progress) {
            return new LocalImage(source.release(), file, sha, 64 * 1024, true);
        }

    }

    /**
     * @return the simulated cluster reached through its qm/pvesh, every node's transport timed (time spent in the
     *         simulator added to {@code simNanos}, commands counted)
     */
    static io.pveq.core.CommandLineCluster timedCommandLine(io.pveq.sim.SimulatedCluster cluster, AtomicLong simNanos,
                                                            AtomicLong commands) {
        io.pveq.core.CommandLineCluster.Builder b = io.pveq.core.CommandLineCluster.builder();
        for (io.pveq.core.NodeName n : cluster.nodes()) {
            b.node(n, new TimedTransport<>(cluster.transport(n), simNanos, commands));
        }
        return b.mainNode(cluster.nodes().get(0)).build();
    }

    /** Counts the time spent inside the wrapped transport (the simulator's own work). */
    static final class TimedTransport<T extends CommandTransport & FileTransfer> implements CommandTransport, FileTransfer {
        final T inner;
        final AtomicLong nanos;
        final AtomicLong commands;

        TimedTransport(T inner, AtomicLong nanos, AtomicLong commands) {
            this.inner = inner;
            this.nanos = nanos;
            this.commands = commands;
        }

        @Override
        public CommandResult run(CommandRequest request) {
            long start = System.nanoTime();
            try {
                return inner.run(request);
            } finally {
                nanos.addAndGet(System.nanoTime() - start);
                commands.incrementAndGet();
            }
        }

        @Override
        public void upload(Path localFile, String remotePath, String sha256Hex, TransferProgress progress) {
            long start = System.nanoTime();
            try {
                inner.upload(localFile, remotePath, sha256Hex, progress);
            } finally {
                nanos.addAndGet(System.nanoTime() - start);
            }
        }

        @Override
        public String describe() {
            return "timed " + inner.describe();
        }
    }

    /** @return {median, p90, max, mean} of the samples in milliseconds */
    static double[] stats(List<Double> samples) {
        double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(s).average().orElse(0);
        return new double[] {percentile(s, 50), percentile(s, 90), s[s.length - 1], mean};
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static String ms(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Prints the table and writes it as JSON under target/bench/NAME.json. */
    static void report(String name, List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder table = new StringBuilder();
        line(table, header, widths);
        StringBuilder sep = new StringBuilder("|");
        for (int w : widths) {
            sep.append("-".repeat(w + 2)).append('|');
        }
        table.append(sep).append('\n');
        rows.forEach(r -> line(table, r, widths));
        System.out.print(table);
        StringBuilder json = new StringBuilder("{\"benchmark\":\"" + name + "\",\"jdk\":\""
                + System.getProperty("java.version") + "\",\"rows\":[");
        for (int r = 0; r < rows.size(); r++) {
            json.append(r == 0 ? "{" : ",{");
            for (int i = 0; i < header.size(); i++) {
                json.append(i == 0 ? "" : ",").append('"').append(header.get(i).replace("\"", "'")).append("\":\"")
                        .append(rows.get(r).get(i).replace("\"", "'")).append('"');
            }
            json.append('}');
        }
        json.append("]}\n");
        try {
            Path dir = Path.of("target", "bench");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".json"), json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("cannot write target/bench/" + name + ".json: " + e);
        }
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            out.append(' ').append(String.format("%-" + widths[i] + "s", cells.get(i))).append(" |");
        }
        out.append('\n');
    }
}
