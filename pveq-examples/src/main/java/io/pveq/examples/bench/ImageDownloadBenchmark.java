package io.pveq.examples.bench;

import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageProvider.DownloadProgress;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.images.ImageCache;
import io.pveq.images.internal.DownloadSettings;
import io.pveq.images.internal.Downloader;
import io.pveq.images.internal.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;

/**
 * Image download throughput and verification overhead against a private nginx on loopback.
 *
 * <p>Generates a file of {@code --size-mib} MiB (default 1024) with a Ubuntu-style SHA256SUMS in a
 * temporary folder under {@code /tmp}, then measures, {@code --runs} times each (default 3, after one
 * unreported warm-up of the JVM paths): curl to /dev/null, curl to a file, sha256sum of the file,
 * the pveq download path without hashing ("download alone"), the full {@code ImageCache.fetch}
 * (download + SHA-256 + verify + atomic store) with and without fsync, and 16 concurrent fetches of
 * the uncached image (counting upstream GETs in nginx's access log). Prints a table and writes JSON
 * to {@code pveq-examples/target/bench/image-download.json} (or {@code target/bench/} when run
 * elsewhere). The temporary folder is deleted at the end. Needs nginx, curl and sha256sum.
 */
public final class ImageDownloadBenchmark {

    private static final String IMAGE_PATH = "releases/24.04/release/ubuntu-24.04-server-cloudimg-amd64.img";
    private static final String DEBIAN_PATH = "images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2";
    private static final OsRelease UBUNTU = OsRelease.of("ubuntu", "24.04");
    private static final OsRelease DEBIAN = OsRelease.of("debian", "12");
    private static final double MIB = 1024.0 * 1024.0;

    private final List<Row> rows = new ArrayList<>();
    private final long sizeBytes;

    private record Row(String name, List<Double> seconds, List<Double> cpuSeconds, String note) {
        double cpuMedian() {
            List<Double> sorted = cpuSeconds.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        double best() {
            return seconds.stream().min(Comparator.naturalOrder()).orElseThrow();
        }

        double median() {
            List<Double> sorted = seconds.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }

    private ImageDownloadBenchmark(long sizeBytes) {
        this.sizeBytes = sizeBytes;
    }

    /** @param args {@code [--size-mib N] [--runs N]} */
    public static void main(String[] args) throws Exception {
        int sizeMib = 1024;
        int runs = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--size-mib" -> sizeMib = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Files.createTempDirectory(Path.of("/tmp"), "pveq-image-bench-");
        try {
            new ImageDownloadBenchmark((long) sizeMib << 20).run(work, runs);
        } finally {
            deleteTree(work);
        }
    }

    private void run(Path work, int runs) throws Exception {
        System.out.printf(Locale.ROOT, "generating %d MiB in %s ...%n", sizeBytes >> 20, work);
        try (BenchNginx nginx = BenchNginx.start(work.resolve("nginx"))) {
            Path image = nginx.root().resolve("ubuntu/" + IMAGE_PATH);
            Map<String, String> sums = generate(image);
            Files.writeString(image.resolveSibling("SHA256SUMS"), sums.get("SHA-256") + " *" + image.getFileName()
                    + "\n", StandardCharsets.UTF_8);
            Path debian = nginx.root().resolve("debian/" + DEBIAN_PATH);
            Files.createDirectories(debian.getParent());
            Files.createLink(debian, image);
            Files.writeString(debian.resolveSibling("SHA512SUMS"), sums.get("SHA-512") + "  " + debian.getFileName()
                    + "\n", StandardCharsets.UTF_8);
            URI mirror = URI.create(nginx.base() + "ubuntu/");
            URI debianMirror = URI.create(nginx.base() + "debian/");
            URI url = mirror.resolve(IMAGE_PATH);
            Path out = Files.createDirectories(work.resolve("out"));
            OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
            ExecutorService hashPool = Executors.newCachedThreadPool();
            try {
                // warm-up: JIT for the pveq paths, page cache for the source file
                fetchOnce("ubuntu", UBUNTU, mirror, out, false);
                fetchOnce("debian", DEBIAN, debianMirror, out, false);
                downloadAlone(client, hashPool, url, out);

                rows.add(measure("curl -> /dev/null", runs, "network ceiling", () -> curl(url, "/dev/null")));
                rows.add(measure("curl -o file", runs, "disk anchor", () -> {
                    Path file = out.resolve("curl.img");
                    double s = curl(url, file.toString());
                    Files.deleteIfExists(file);
                    return s;
                }));
                rows.add(measure("sha256sum file", runs, "hash anchor (file in page cache)",
                        () -> timeProcess(List.of("sha256sum", image.toString()))));
                rows.add(measure("pveq download alone", runs, "same path, no digest",
                        () -> downloadAlone(client, hashPool, url, out)));
                rows.add(measure("pveq download+verify", runs, "fetch: SHA-256 while streaming, verify, atomic store",
                        () -> fetchOnce("ubuntu", UBUNTU, mirror, out, false)));
                rows.add(measure("pveq download+verify SHA-512", runs, "Debian: SHA-512 verified, SHA-256 key, in parallel",
                        () -> fetchOnce("debian", DEBIAN, debianMirror, out, false)));
                rows.add(measure("pveq download+verify+fsync", runs, "default settings (fsync before store)",
                        () -> fetchOnce("ubuntu", UBUNTU, mirror, out, true)));
                long before = nginx.gets(IMAGE_PATH);
                Row concurrent = measure("16 concurrent fetches", 1, "", () -> sixteen(mirror, out));
                long upstream = nginx.gets(IMAGE_PATH) - before;
                rows.add(new Row(concurrent.name(), concurrent.seconds(), concurrent.cpuSeconds(),
                        upstream + " upstream GET(s)"));
                report(runs, upstream);
            } finally {
                hashPool.shutdownNow();
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            }
        }
    }

    private Map<String, String> generate(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        SplittableRandom random = new SplittableRandom(42);
        byte[] block = new byte[1 << 20];
        try (OutputStream outStream = Files.newOutputStream(file)) {
            for (long done = 0; done < sizeBytes; done += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        block[i + k] = (byte) (v >>> (8 * k));
                    }
                }
                int n = (int) Math.min(block.length, sizeBytes - done);
                outStream.write(block, 0, n);
                sha.update(block, 0, n);
                sha512.update(block, 0, n);
            }
        }
        return Map.of("SHA-256", HexFormat.of().formatHex(sha.digest()),
                "SHA-512", HexFormat.of().formatHex(sha512.digest()));
    }

    private double downloadAlone(OkHttpClient client, ExecutorService pool, URI url, Path out) throws IOException {
        Path part = out.resolve("alone.part");
        DownloadSettings d = DownloadSettings.defaults();
        // no fsync, like curl -o and like the download+verify row it is compared with
        DownloadSettings settings = new DownloadSettings(d.maxAttempts(), d.retryBackoff(), d.bufferSize(),
                d.bufferCount(), false);
        java.util.concurrent.ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        Downloader downloader = new Downloader(client, Duration.ofSeconds(30), watchdog, settings, pool);
        long start = System.nanoTime();
        downloader.download(url, part, List.of(), new Progress(Clock.systemUTC(), 250));
        double seconds = (System.nanoTime() - start) / 1e9;
        watchdog.shutdownNow();
        Files.deleteIfExists(part);
        Files.deleteIfExists(out.resolve("alone.part.validator"));
        return seconds;
    }

    private double fetchOnce(String os, OsRelease release, URI mirror, Path out, boolean fsync) throws IOException {
        Path cacheDir = out.resolve("cache-" + System.nanoTime());
        try (ImageCache cache = ImageCache.builder(cacheDir).mirror(os, mirror).fsync(fsync).build()) {
            ImageSource source = cache.resolve(release);
            long start = System.nanoTime();
            LocalImage image = cache.fetch(source, DownloadProgress.NONE);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (image.cacheHit() || image.sizeBytes() != sizeBytes) {
                throw new IllegalStateException("unexpected result " + image);
            }
            return seconds;
        } finally {
            deleteTree(cacheDir);
        }
    }

    private double sixteen(URI mirror, Path out) throws Exception {
        Path cacheDir = out.resolve("cache-16");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (ImageCache cache = ImageCache.builder(cacheDir).mirror("ubuntu", mirror).fsync(false).build()) {
            ImageSource source = cache.resolve(OsRelease.of("ubuntu", "24.04"));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<LocalImage>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return cache.fetch(source, DownloadProgress.NONE);
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Future<LocalImage> result : results) {
                result.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
            deleteTree(cacheDir);
        }
    }

    private static double curl(URI url, String target) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-s", "-S", "-f", "-o", target, "-w", "%{time_total}", url.toString())
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException("curl failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return Double.parseDouble(out);
    }

    private static double timeProcess(List<String> argv) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IOException(argv + " failed");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @FunctionalInterface
    private interface Measure {
        double seconds() throws Exception;
    }

    private Row measure(String name, int runs, String note, Measure measure) throws Exception {
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double before = cpuSeconds();
            wall.add(measure.seconds());
            cpu.add(cpuSeconds() - before);
        }
        return new Row(name, wall, cpu, note);
    }

    /** CPU time of this JVM plus its waited-for children (curl, sha256sum), from /proc/self/stat. */
    private static double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after the command: index 11..14 are utime, stime, cutime, cstime (clock ticks)
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return ticks / 100.0;
    }

    private void report(int runs, long upstream) throws IOException {
        double mib = sizeBytes / MIB;
        double curlNull = rows.get(0).best();
        double alone = rows.get(3).median();
        double verify = rows.get(4).median();
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%nImage download, %d MiB from nginx on 127.0.0.1, %d runs (best / median)%n",
                sizeBytes >> 20, runs));
        table.append(String.format(Locale.ROOT, "%-28s %8s %8s %10s %12s %12s  %s%n", "case", "best s", "median s",
                "best MiB/s", "median MiB/s", "client CPU s", "note"));
        for (Row row : rows) {
            table.append(String.format(Locale.ROOT, "%-28s %8.3f %8.3f %10.0f %12.0f %12.2f  %s%n", row.name(),
                    row.best(), row.median(), mib / row.best(), mib / row.median(), row.cpuMedian(), row.note()));
        }
        table.append(String.format(Locale.ROOT, "load average at the end: %s%n",
                Files.readString(Path.of("/proc/loadavg")).strip()));
        table.append(String.format(Locale.ROOT, "download+verify throughput vs curl -> /dev/null (median vs best): %.0f%%%n",
                100 * curlNull / verify));
        table.append(String.format(Locale.ROOT, "download+verify throughput vs curl -o file (medians): %.0f%%%n",
                100 * rows.get(1).median() / verify));
        table.append(String.format(Locale.ROOT,
                "download+verify time vs curl -o then sha256sum (medians): %.2fx%n",
                verify / (rows.get(1).median() + rows.get(2).median())));
        table.append(String.format(Locale.ROOT, "download+verify time / download alone (medians): %.2fx%n",
                verify / alone));
        table.append(String.format(Locale.ROOT, "16 concurrent fetches of one uncached image: %d upstream GET(s)%n",
                upstream));
        System.out.print(table);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "image-download");
        json.put("date", Instant.now().toString());
        json.put("java", System.getProperty("java.version"));
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("sizeBytes", sizeBytes);
        json.put("runs", runs);
        StringBuilder out = new StringBuilder("{\n");
        json.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  \"%s\": %s,%n", k,
                v instanceof String ? "\"" + v + "\"" : v)));
        out.append("  \"rows\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            out.append(String.format(Locale.ROOT,
                    "    {\"case\": \"%s\", \"seconds\": %s, \"cpuSeconds\": %s, \"bestMiBps\": %.1f,"
                            + " \"medianMiBps\": %.1f, \"note\": \"%s\"}%s%n",
                    row.name(), row.seconds(), row.cpuSeconds(), mib / row.best(), mib / row.median(), row.note(),
                    i + 1 < rows.size() ? "," : ""));
        }
        out.append(String.format(Locale.ROOT, "  ],%n  \"verifyVsCurlDevNull\": %.3f,%n  \"verifyOverDownloadAlone\": %.3f,%n"
                + "  \"concurrentUpstreamGets\": %d%n}%n", curlNull / verify, verify / alone, upstream));
        Path dir = Files.isDirectory(Path.of("pveq-examples")) ? Path.of("pveq-examples", "target", "bench")
                : Path.of("target", "bench");
        Files.createDirectories(dir);
        Path file = dir.resolve("image-download.json");
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
        System.out.println("JSON: " + file.toAbsolutePath());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
