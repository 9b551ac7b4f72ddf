package io.pveq.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandResult;
import io.pveq.sim.SimulatedCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code GET /api/vm/list} latency with many VMs under concurrent clients, through real HTTP, against
 * the server over the real provisioner on the simulated cluster (no simulated command delay, so the
 * figure is pveq's own cost: one {@code /cluster/resources} read, mapping, JSON, HTTP).
 *
 * <p>Creates {@code --vms} VMs (default 1500) spread over the three simulated nodes (every third one
 * running), then {@code --clients} threads (default 50), each with its own JDK HTTP client, send
 * {@code --requests} requests each (default 100) after a warm-up of {@code --warmup} (default 500),
 * back to back or with {@code --think-ms} between a client's requests (default 0: saturation). Clients
 * can send {@code Accept-Encoding: gzip} and decompress, as Go's HTTP client does by default
 * ({@code --gzip 1}; default plain bodies).
 * Clients are plain keep-alive sockets (the lightest load generator: it shares the machine's CPUs
 * with the server); {@code --jdk 1} uses one JDK HttpClient per thread instead. Prints a table
 * and writes JSON to {@code pveq-examples/target/bench/list-latency.json}.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl pveq-examples -am package -DskipTests && java -cp
 * pveq-server/target/pveq-server.jar:pveq-examples/target/classes io.pveq.examples.bench.ListLatencyBenchmark}
 */
public final class ListLatencyBenchmark {

    private static int thinkMs;
    private static boolean gzip;

    private ListLatencyBenchmark() {
    }

    /** @param args {@code --vms N --clients N --requests N --warmup N} */
    public static void main(String[] args) throws Exception {
        Map<String, Integer> opt = options(args, Map.of("vms", 1500, "clients", 50, "requests", 100, "warmup", 500,
                "jdk", 0, "think-ms", 0, "gzip", 0));
        gzip = opt.get("gzip") != 0;
        thinkMs = opt.get("think-ms");
        boolean jdk = opt.get("jdk") != 0;
        int vms = opt.get("vms");
        int clients = opt.get("clients");
        int requests = opt.get("requests");
        ObjectMapper json = new ObjectMapper();
        try (BenchServer s = new BenchServer(SimulatedCluster.builder().instant().build(), 256)) {
            long t0 = System.nanoTime();
            List<NodeName> nodes = s.cluster.nodes();
            for (int i = 0; i < vms; i++) {
                int id = 1000 + i;
                NodeName node = nodes.get(i % nodes.size());
                CommandResult r = s.cluster.transport(node).run(List.of("qm", "create", Integer.toString(id), "--name",
                        "bench-" + id, "--memory", "2048", "--cores", "2", "--tags", "pveq"));
                if (!r.succeeded()) {
                    throw new IllegalStateException("qm create " + id + ": " + r.stderr());
                }
                if (i % 3 == 0) {
                    s.cluster.transport(node).run(List.of("qm", "start", Integer.toString(id)));
                }
            }
            System.out.printf(Locale.ROOT, "created %d VMs in %.1f s%n", vms, (System.nanoTime() - t0) / 1e9);
            URI uri = URI.create("http://127.0.0.1:" + s.port() + "/api/vm/list");
            HttpClient probe = HttpClient.newHttpClient();
            HttpResponse<String> first = probe.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = json.readTree(first.body());
            int listed = body.get("vms").size();
            if (listed != vms) {
                throw new IllegalStateException("the list shows " + listed + " VMs, expected " + vms);
            }
            int bytes = first.body().length();
            long o0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                s.built.provisioner().overview();
            }
            double overviewMs = (System.nanoTime() - o0) / 50 / 1e6;
            runRound(uri, clients, Math.max(1, opt.get("warmup") / clients), jdk);
            long w0 = System.nanoTime();
            long[] lat = runRound(uri, clients, requests, jdk);
            double wall = (System.nanoTime() - w0) / 1e9;
            Arrays.sort(lat);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("benchmark", "list-latency");
            result.put("machine", BenchServer.machine());
            result.put("vms", vms);
            result.put("nodes", nodes.size());
            result.put("clients", clients);
            result.put("client_kind", jdk ? "JDK HttpClient, one per thread" : "plain keep-alive socket per thread");
            result.put("think_ms", thinkMs);
            result.put("gzip", gzip);
            result.put("load_average_before", loadAverage());
            result.put("requests", lat.length);
            result.put("response_bytes", bytes);
            result.put("throughput_rps", lat.length / wall);
            result.put("overview_only_ms", overviewMs);
            result.put("p50_ms", pct(lat, 50));
            result.put("p90_ms", pct(lat, 90));
            result.put("p99_ms", pct(lat, 99));
            result.put("max_ms", lat[lat.length - 1] / 1e6);
            result.put("target_p99_ms", 100);
            System.out.println();
            System.out.println("| VMs | nodes | clients | think | requests | body | req/s | overview() alone | p50 | p90 | p99 | max |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %d ms | %d | %.0f KiB | %.0f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
                    vms, nodes.size(), clients, thinkMs, lat.length, bytes / 1024.0, lat.length / wall, overviewMs,
                    pct(lat, 50), pct(lat, 90), pct(lat, 99), lat[lat.length - 1] / 1e6);
            System.out.println("client: " + result.get("client_kind") + (gzip ? ", Accept-Encoding: gzip (as Go's client sends)"
                    : ", no compression") + "; load average " + loadAverage());
            System.out.println("p99 " + (pct(lat, 99) < 100 ? "meets" : "MISSES") + " the 100 ms target; " + BenchServer.machine());
            System.out.println("JSON: " + BenchServer.writeJson("list-latency.json",
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(result)));
        }
    }

    private static long[] runRound(URI uri, int clients, int requests, boolean jdk) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> jdk ? jdkClient(uri, requests, go) : rawClient(uri, requests, go)));
        }
        go.countDown();
        List<Long> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
            for (long v : f.get()) {
                all.add(v);
            }
        }
        pool.shutdown();
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    /** One keep-alive connection, plain socket: the lightest client, so the load generator steals little CPU. */
    private static long[] rawClient(URI uri, int requests, CountDownLatch go) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setTcpNoDelay(true);
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
            java.io.OutputStream out = socket.getOutputStream();
            byte[] request = ("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
                    + (gzip ? "Accept-Encoding: gzip\r\n" : "") + "\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] sink = new byte[1 << 16];
            long[] out2 = new long[requests];
            go.await();
            for (int i = 0; i < requests; i++) {
                long t = System.nanoTime();
                out.write(request);
                out.flush();
                String status = line(in);
                if (!status.startsWith("HTTP/1.1 200")) {
                    throw new IllegalStateException(status);
                }
                long length = -1;
                for (String h = line(in); !h.isEmpty(); h = line(in)) {
                    if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Long.parseLong(h.substring(15).strip());
                    }
                }
                if (length < 0) {
                    throw new IllegalStateException("no Content-Length");
                }
                byte[] body = in.readNBytes((int) length);
                if (gzip) {
                    try (java.util.zip.GZIPInputStream gz = new java.util.zip.GZIPInputStream(
                            new java.io.ByteArrayInputStream(body))) {
                        while (gz.read(sink) >= 0) {
                            // decompress as a Go client does, to count its cost too
                        }
                    }
                }
                out2[i] = System.nanoTime() - t;
                if (thinkMs > 0) {
                    Thread.sleep(thinkMs);
                }
            }
            return out2;
        }
    }

    private static String line(java.io.InputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new java.io.EOFException();
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static long[] jdkClient(URI uri, int requests, CountDownLatch go) throws Exception {
        {
            {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
                long[] out = new long[requests];
                go.await();
                for (int i = 0; i < requests; i++) {
                    long t = System.nanoTime();
                    HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    out[i] = System.nanoTime() - t;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("status " + r.statusCode());
                    }
                }
                return out;
            }
        }
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    static Map<String, Integer> options(String[] args, Map<String, Integer> defaults) {
        Map<String, Integer> out = new java.util.TreeMap<>(defaults);
        for (int i = 0; i + 1 < args.length; i += 2) {
            String key = args[i].replaceFirst("^--", "");
            if (!out.containsKey(key)) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + defaults.keySet());
            }
            out.put(key, Integer.parseInt(args[i + 1]));
        }
        return out;
    }
}
