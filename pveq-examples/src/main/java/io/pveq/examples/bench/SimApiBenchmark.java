package io.pveq.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandResult;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimulatedCluster;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The simulator's Proxmox VE REST API under load, over real HTTPS (TLS 1.3, the cluster CA trusted,
 * an API token on every request):
 * <ol>
 *   <li>{@code GET /cluster/resources} with {@code --vms} VMs (default 1500, every third running) from
 *       {@code --clients} threads (default 1 and 8, each its own keep-alive TLS connection), after a
 *       warm-up: requests/s and latency percentiles;</li>
 *   <li>the same read right after a config write each time, so it cannot reuse a rendered answer;</li>
 *   <li>the task round trip: {@code POST /nodes/pve1/qemu} then {@code GET .../tasks/UPID/status} until
 *       the task has stopped, {@code --tasks} times (default 300) over one keep-alive connection on an
 *       instant cluster: what a client waits for the simulator's own work per task;</li>
 *   <li>for scale: {@code GET /version} over a new TLS connection per request (what every request
 *       after an error costs, as Proxmox closes the connection after a 4xx/5xx).</li>
 * </ol>
 * Clients are plain TLS sockets writing HTTP/1.1 by hand, the lightest load generator (it shares
 * the machine's CPUs with the server). Prints a table and writes JSON to
 * {@code pveq-examples/target/bench/sim-api.json}.
 *
 * <p>Run: {@code pveq-examples/run.sh bench.SimApiBenchmark [--vms N] [--requests N] [--tasks N]}
 */
public final class SimApiBenchmark {

    private SimApiBenchmark() {
    }

    /** @param args {@code --vms N --requests N --warmup N --tasks N} */
    public static void main(String[] args) throws Exception {
        Map<String, Integer> opt = ListLatencyBenchmark.options(args, Map.of("vms", 1500, "requests", 2000,
                "warmup", 400, "tasks", 300, "handshakes", 200));
        int vms = opt.get("vms");
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "sim-api");
        result.put("machine", BenchServer.machine());
        result.put("jdk", System.getProperty("java.version"));
        result.put("load_average_before", ListLatencyBenchmark.loadAverage());
        List<List<String>> rows = new ArrayList<>();
        try (SimulatedCluster cluster = SimulatedCluster.builder().instant().resourcesRefresh(java.time.Duration.ZERO)
                .api(SimApi.Options.defaults()).build()) {
            SimApi api = cluster.api();
            SSLContext tls = api.trustingSslContext();
            long t0 = System.nanoTime();
            List<NodeName> nodes = cluster.nodes();
            for (int i = 0; i < vms; i++) {
                int id = 1000 + i;
                NodeName node = nodes.get(i % nodes.size());
                CommandResult r = cluster.transport(node).run(List.of("qm", "create", Integer.toString(id), "--name",
                        "bench-" + id, "--memory", "2048", "--cores", "2", "--tags", "pveq"));
                if (!r.succeeded()) {
                    throw new IllegalStateException("qm create " + id + ": " + r.stderr());
                }
                if (i % 3 == 0) {
                    cluster.transport(node).run(List.of("qm", "start", Integer.toString(id)));
                }
            }
            System.out.printf(Locale.ROOT, "created %d VMs in %.1f s%n", vms, (System.nanoTime() - t0) / 1e9);
            String token = api.rootToken();
            byte[] first;
            try (Connection c = new Connection(tls, api.url(), token)) {
                first = c.exchange("GET", "/cluster/resources", null);
            }
            int listed = json.readTree(first).path("data").size();
            if (listed < vms) {
                throw new IllegalStateException("/cluster/resources lists " + listed + " entries, expected at least " + vms);
            }
            result.put("vms", vms);
            result.put("resources_bytes", first.length);
            for (int clients : List.of(1, 8)) {
                int perClient = Math.max(1, opt.get("requests") / clients);
                round(tls, api, clients, Math.max(1, opt.get("warmup") / clients), "/cluster/resources");
                long w0 = System.nanoTime();
                long[] lat = round(tls, api, clients, perClient, "/cluster/resources");
                double wall = (System.nanoTime() - w0) / 1e9;
                Arrays.sort(lat);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("clients", clients);
                row.put("requests", lat.length);
                row.put("throughput_rps", lat.length / wall);
                row.put("p50_ms", ListLatencyBenchmark.pct(lat, 50));
                row.put("p90_ms", ListLatencyBenchmark.pct(lat, 90));
                row.put("p99_ms", ListLatencyBenchmark.pct(lat, 99));
                row.put("max_ms", lat[lat.length - 1] / 1e6);
                result.put("cluster_resources_" + clients + "_clients", row);
                rows.add(List.of("GET /cluster/resources, " + vms + " VMs (" + first.length / 1024 + " KiB)",
                        clients + " keep-alive", Integer.toString(lat.length), String.format(Locale.ROOT, "%.0f",
                        lat.length / wall), BenchSupport.ms(ListLatencyBenchmark.pct(lat, 50)),
                        BenchSupport.ms(ListLatencyBenchmark.pct(lat, 90)), BenchSupport.ms(ListLatencyBenchmark.pct(lat, 99)),
                        BenchSupport.ms(lat[lat.length - 1] / 1e6)));
            }
            rows.add(afterWrites(tls, api, Math.max(1, opt.get("requests") / 10), first.length, result));
            rows.add(taskRoundTrip(tls, api, opt.get("tasks"), result, json));
            rows.add(handshakes(tls, api, opt.get("handshakes"), result));
        }
        System.out.println();
        BenchSupport.report("sim-api-table", List.of("request", "connections", "n", "req/s", "p50 ms", "p90 ms",
                "p99 ms", "max ms"), rows);
        System.out.println("load average " + ListLatencyBenchmark.loadAverage() + "; " + BenchServer.machine());
        System.out.println("JSON: " + BenchServer.writeJson("sim-api.json",
                json.writerWithDefaultPrettyPrinter().writeValueAsString(result)));
    }

    /**
     * The answer cannot be reused after the state changed: a config write before every read makes
     * each read render the 1,500 VMs anew (the cost without the per-version cache).
     */
    private static List<String> afterWrites(SSLContext tls, SimApi api, int count, int bytes, Map<String, Object> result)
            throws Exception {
        long[] lat = new long[count];
        try (Connection c = new Connection(tls, api.url(), api.rootToken())) {
            long w0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                c.exchange("PUT", "/nodes/pve1/qemu/1000/config", "description=write-" + i);
                long t = System.nanoTime();
                c.exchange("GET", "/cluster/resources", null);
                lat[i] = System.nanoTime() - t;
            }
            double wall = (System.nanoTime() - w0) / 1e9;
            Arrays.sort(lat);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("requests", count);
            row.put("p50_ms", ListLatencyBenchmark.pct(lat, 50));
            row.put("p99_ms", ListLatencyBenchmark.pct(lat, 99));
            result.put("cluster_resources_after_each_write", row);
            return List.of("GET /cluster/resources after a config write (" + bytes / 1024 + " KiB, rendered anew)",
                    "1 keep-alive", Integer.toString(count), String.format(Locale.ROOT, "%.0f (with the writes)",
                    count / wall), BenchSupport.ms(ListLatencyBenchmark.pct(lat, 50)),
                    BenchSupport.ms(ListLatencyBenchmark.pct(lat, 90)), BenchSupport.ms(ListLatencyBenchmark.pct(lat, 99)),
                    BenchSupport.ms(lat[count - 1] / 1e6));
        }
    }

    /** POST a create, poll its status until stopped: the latency a client sees per task. */
    private static List<String> taskRoundTrip(SSLContext tls, SimApi api, int tasks, Map<String, Object> result,
                                              ObjectMapper json) throws Exception {
        long[] lat = new long[tasks];
        long polls = 0;
        try (Connection c = new Connection(tls, api.url(), api.rootToken())) {
            long w0 = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                long t = System.nanoTime();
                String upid = json.readTree(c.exchange("POST", "/nodes/pve1/qemu",
                        "vmid=" + (100_000 + i) + "&name=task-" + i + "&memory=512")).path("data").asText();
                while (true) {
                    polls++;
                    JsonNode status = json.readTree(c.exchange("GET", "/nodes/pve1/tasks/" + upid + "/status", null))
                            .path("data");
                    if (status.path("status").asText().equals("stopped")) {
                        if (!status.path("exitstatus").asText().equals("OK")) {
                            throw new IllegalStateException(upid + ": " + status);
                        }
                        break;
                    }
                }
                lat[i] = System.nanoTime() - t;
            }
            double wall = (System.nanoTime() - w0) / 1e9;
            Arrays.sort(lat);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tasks", tasks);
            row.put("status_polls_per_task", polls / (double) tasks);
            row.put("tasks_per_second", tasks / wall);
            row.put("p50_ms", ListLatencyBenchmark.pct(lat, 50));
            row.put("p90_ms", ListLatencyBenchmark.pct(lat, 90));
            row.put("p99_ms", ListLatencyBenchmark.pct(lat, 99));
            row.put("max_ms", lat[tasks - 1] / 1e6);
            result.put("task_round_trip", row);
            return List.of(String.format(Locale.ROOT, "POST create + status polls (%.1f per task)", polls / (double) tasks),
                    "1 keep-alive", Integer.toString(tasks), String.format(Locale.ROOT, "%.0f", tasks / wall),
                    BenchSupport.ms(ListLatencyBenchmark.pct(lat, 50)), BenchSupport.ms(ListLatencyBenchmark.pct(lat, 90)),
                    BenchSupport.ms(ListLatencyBenchmark.pct(lat, 99)), BenchSupport.ms(lat[tasks - 1] / 1e6));
        }
    }

    private static List<String> handshakes(SSLContext tls, SimApi api, int count, Map<String, Object> result)
            throws Exception {
        long[] lat = new long[count];
        long w0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            try (Connection c = new Connection(tls, api.url(), api.rootToken())) {
                c.exchange("GET", "/version", null);
            }
            lat[i] = System.nanoTime() - t;
        }
        double wall = (System.nanoTime() - w0) / 1e9;
        Arrays.sort(lat);
        result.put("new_connection_per_request_p50_ms", ListLatencyBenchmark.pct(lat, 50));
        return List.of("GET /version, new TLS connection each", "1 per request", Integer.toString(count),
                String.format(Locale.ROOT, "%.0f", count / wall), BenchSupport.ms(ListLatencyBenchmark.pct(lat, 50)),
                BenchSupport.ms(ListLatencyBenchmark.pct(lat, 90)), BenchSupport.ms(ListLatencyBenchmark.pct(lat, 99)),
                BenchSupport.ms(lat[count - 1] / 1e6));
    }

    private static long[] round(SSLContext tls, SimApi api, int clients, int requests, String path) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                try (Connection connection = new Connection(tls, api.url(), api.rootToken())) {
                    connection.exchange("GET", "/version", null);
                    long[] out = new long[requests];
                    go.await();
                    for (int i = 0; i < requests; i++) {
                        long t = System.nanoTime();
                        connection.exchange("GET", path, null);
                        out[i] = System.nanoTime() - t;
                    }
                    return out;
                }
            }));
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

    /** One keep-alive TLS connection speaking HTTP/1.1 by hand. */
    private static final class Connection implements AutoCloseable {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String host;
        private final String token;

        Connection(SSLContext tls, URI url, String token) throws IOException {
            this.socket = (SSLSocket) tls.getSocketFactory().createSocket(url.getHost(), url.getPort());
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            this.out = socket.getOutputStream();
            this.host = url.getHost() + ":" + url.getPort();
            this.token = token;
        }

        byte[] exchange(String method, String path, String form) throws IOException {
            byte[] body = form == null ? new byte[0] : form.getBytes(StandardCharsets.UTF_8);
            String head = method + " /api2/json" + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: PVEAPIToken="
                    + token + "\r\n" + (form == null ? "" : "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + body.length + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            String status = line();
            long length = -1;
            for (String h = line(); !h.isEmpty(); h = line()) {
                if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(h.substring(15).strip());
                }
            }
            byte[] answer = in.readNBytes((int) length);
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException(method + " " + path + ": " + status + " "
                        + new String(answer, StandardCharsets.UTF_8));
            }
            return answer;
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new EOFException();
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
