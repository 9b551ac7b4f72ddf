package io.pveq.examples.bench;

import io.pveq.api.ClusterResource;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.TlsTrust;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * pveq-api against the simulator's HTTPS API face with 1,500 VMs: {@code GET
 * /nodes/{n}/qemu/{id}/status/current} over one pooled keep-alive connection vs a new connection
 * (TCP + TLS handshake) per call, pveq's own time per call (everything outside the HTTP exchange:
 * building the request, auth header, reading JSON into records) beside the exchange itself (the
 * simulator's service time plus loopback), and a full cluster snapshot ({@code /cluster/resources}
 * of 1,500 VMs read into records). One thread, sequential calls, after a warm-up. A row with bare
 * OkHttp (same request prebuilt, body read as text, nothing parsed) is the reference for what any JVM
 * client pays on this machine.
 *
 * <p>Run from the repository root; prints a table and writes {@code target/bench/api-latency.json}:
 * <pre>
 * pveq-examples/run.sh bench.ApiLatencyBenchmark [calls]
 * </pre>
 */
public final class ApiLatencyBenchmark {

    private static final int VMS = 1500;

    private ApiLatencyBenchmark() {
    }

    /** Runs the benchmark; the optional argument is the number of measured calls per row (default 2000). */
    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        try (SimulatedCluster cluster = SimulatedCluster.builder().instant().resourcesRefresh(java.time.Duration.ZERO)
                .api().build()) {
            List<NodeName> nodes = cluster.nodes();
            for (int i = 0; i < VMS; i++) {
                int id = 100 + i;
                cluster.transport(nodes.get(i % nodes.size())).run(List.of("qm", "create", Integer.toString(id),
                        "--name", "vm-" + id, "--memory", "1024"));
            }
            List<List<String>> rows = new ArrayList<>();
            Exchange pooled = new Exchange();
            Bare bare = new Bare(cluster, nodes);
            try (ProxmoxApi api = client(cluster, new OkHttpClient.Builder().addInterceptor(pooled)
                    .eventListener(pooled.listener()).build())) {
                rows.addAll(statusRows(api, nodes, calls, pooled, bare));
                rows.add(snapshotRow(api, Math.max(20, calls / 50), pooled));
            }
            Exchange fresh = new Exchange();
            OkHttpClient noPool = new OkHttpClient.Builder().connectionPool(new ConnectionPool(0, 1, TimeUnit.MILLISECONDS))
                    .addInterceptor(fresh).eventListener(fresh.listener()).build();
            try (ProxmoxApi api = client(cluster, noPool)) {
                rows.add(statusRow("status/current, pveq-api, new connection per call", api, nodes, Math.max(100, calls / 4),
                        fresh));
            }
            BenchSupport.report("api-latency", List.of("case", "calls", "calls/s", "median ms", "p99 ms",
                    "HTTP exchange median ms", "pveq own median ms", "pveq own p99 ms", "connections opened while measured"), rows);
        }
    }

    private static ProxmoxApi client(SimulatedCluster cluster, OkHttpClient http) {
        return ProxmoxApi.builder().url(cluster.api().url()).token(cluster.api().rootToken())
                .trust(TlsTrust.pinned(cluster.api().fingerprint())).httpClient(http).build();
    }

    /** pveq and bare OkHttp sampled alternately, so the machine's load hits both alike. */
    private static List<List<String>> statusRows(ProxmoxApi api, List<NodeName> nodes, int calls, Exchange exchange,
                                                 Bare bare) {
        for (int i = 0; i < 500; i++) {
            status(api, nodes, i);
            bare.call(i);
        }
        exchange.reset();
        Timings pveq = new Timings();
        Timings reference = new Timings();
        for (int i = 0; i < calls; i++) {
            int n = i;
            pveq.time(exchange, () -> status(api, nodes, n));
            reference.time(null, () -> bare.call(n));
        }
        return List.of(pveq.row("status/current, pveq-api, one pooled keep-alive connection", exchange),
                reference.row("status/current, bare OkHttp, pooled (reference, same loop)", null));
    }

    private static List<String> statusRow(String label, ProxmoxApi api, List<NodeName> nodes, int calls,
                                          Exchange exchange) {
        for (int i = 0; i < 50; i++) {
            status(api, nodes, i);
        }
        exchange.reset();
        Timings timings = new Timings();
        for (int i = 0; i < calls; i++) {
            int n = i;
            timings.time(exchange, () -> status(api, nodes, n));
        }
        return timings.row(label, exchange);
    }

    /** Per call: the whole call, the part inside OkHttp's chain, and the rest (pveq's own). */
    private static final class Timings {
        final List<Double> total = new ArrayList<>();
        final List<Double> http = new ArrayList<>();
        final List<Double> own = new ArrayList<>();
        long nanos;

        /** @param exchange the client's exchange timer, or null when the whole call is the exchange */
        void time(Exchange exchange, Runnable call) {
            long before = exchange == null ? 0 : exchange.nanos.get();
            long t0 = System.nanoTime();
            call.run();
            long t = System.nanoTime() - t0;
            long inHttp = exchange == null ? t : exchange.nanos.get() - before;
            nanos += t;
            total.add(t / 1e6);
            http.add(inHttp / 1e6);
            own.add((t - inHttp) / 1e6);
        }

        List<String> row(String label, Exchange exchange) {
            double[] p = percentiles(total);
            double[] o = percentiles(own);
            return List.of(label, Integer.toString(total.size()), rate(total.size(), nanos), ms(p[0]), ms(p[1]),
                    ms(percentiles(http)[0]), exchange == null ? "-" : ms(o[0]), exchange == null ? "-" : ms(o[1]),
                    exchange == null ? "0" : Integer.toString(exchange.connections.get()));
        }
    }

    private static String rate(int calls, long nanos) {
        return String.format(java.util.Locale.ROOT, "%.0f", calls / (nanos / 1e9));
    }

    private static void status(ProxmoxApi api, List<NodeName> nodes, int i) {
        int id = 100 + i % VMS;
        api.vms().status(nodes.get((id - 100) % nodes.size()), VmId.of(id));
    }

    private static List<String> snapshotRow(ProxmoxApi api, int snapshots, Exchange exchange) {
        for (int i = 0; i < 5; i++) {
            api.cluster().resources();
        }
        Timings timings = new Timings();
        int[] guests = new int[1];
        for (int i = 0; i < snapshots; i++) {
            timings.time(exchange, () -> guests[0] = ClusterResource.guests(api.cluster().resources()).size());
        }
        if (guests[0] != VMS) {
            throw new IllegalStateException("the snapshot held " + guests[0] + " guests, expected " + VMS);
        }
        List<String> row = new ArrayList<>(timings.row("cluster snapshot, /cluster/resources with " + VMS
                + " VMs into records", exchange));
        row.set(2, String.format(java.util.Locale.ROOT, "%.1f", snapshots / (timings.nanos / 1e9)));
        return row;
    }

    private static double[] percentiles(List<Double> samples) {
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {sorted[(int) Math.ceil(0.5 * sorted.length) - 1],
            sorted[(int) Math.ceil(0.99 * sorted.length) - 1]};
    }

    private static String ms(double value) {
        return String.format(java.util.Locale.ROOT, "%.3f", value);
    }

    /** The same GET with bare OkHttp on its own pooled connection: no auth object, no JSON parsing, no records. */
    private static final class Bare {
        private final OkHttpClient client;
        private final List<okhttp3.Request> requests = new ArrayList<>();

        Bare(SimulatedCluster cluster, List<NodeName> nodes) {
            okhttp3.tls.HandshakeCertificates trust = new okhttp3.tls.HandshakeCertificates.Builder()
                    .addTrustedCertificate(okhttp3.tls.Certificates.decodeCertificatePem(
                            cluster.api().caCertificatePem())).build();
            client = new OkHttpClient.Builder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager()).build();
            String header = "PVEAPIToken=" + cluster.api().rootToken();
            for (int i = 0; i < VMS; i++) {
                requests.add(new okhttp3.Request.Builder().url(cluster.api().url() + "/api2/json/nodes/"
                        + nodes.get(i % nodes.size()) + "/qemu/" + (100 + i) + "/status/current")
                        .header("Authorization", header).build());
            }
        }

        void call(int i) {
            try (Response response = client.newCall(requests.get(i % VMS)).execute()) {
                if (response.code() != 200 || response.body().string().isEmpty()) {
                    throw new IllegalStateException("bare call answered " + response.code());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Times the HTTP exchange (OkHttp's network work and the server) and counts connections opened. */
    private static final class Exchange implements Interceptor {
        final AtomicLong nanos = new AtomicLong();
        final AtomicInteger connections = new AtomicInteger();

        @Override
        public Response intercept(Chain chain) throws IOException {
            long t0 = System.nanoTime();
            Response response = chain.proceed(chain.request());
            okio.Buffer copy = new okio.Buffer();
            okio.BufferedSource source = response.body().source();
            source.request(Long.MAX_VALUE);
            copy.writeAll(source.getBuffer().clone());
            Response buffered = response.newBuilder().body(okhttp3.ResponseBody.create(copy,
                    response.body().contentType(), copy.size())).build();
            response.close();
            nanos.addAndGet(System.nanoTime() - t0);
            return buffered;
        }

        EventListener listener() {
            return new EventListener() {
                @Override
                public void connectStart(Call call, java.net.InetSocketAddress address, java.net.Proxy proxy) {
                    connections.incrementAndGet();
                }
            };
        }

        void reset() {
            nanos.set(0);
            connections.set(0);
        }
    }
}
