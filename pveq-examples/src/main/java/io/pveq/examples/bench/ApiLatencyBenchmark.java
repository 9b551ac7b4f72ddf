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
        List<Double> total = new ArrayList<>();
        List<Double> own = new ArrayList<>();
        List<Double> http = new ArrayList<>();
        List<Double> reference = new ArrayList<>();
        long pveqNanos = 0;
        long bareNanos = 0;
        for (int i = 0; i < calls; i++) {
            long before = exchange.nanos.get();
            long t0 = System.nanoTime();
            status(api, nodes, i);
            long t = System.nanoTime() - t0;
            long inHttp = exchange.nanos.get() - before;
            pveqNanos += t;
            total.add(t / 1e6);
            http.add(inHttp / 1e6);
            own.add((t - inHttp) / 1e6);
            long b0 = System.nanoTime();
            bare.call(i);
            long b = System.nanoTime() - b0;
            bareNanos += b;
            reference.add(b / 1e6);
        }
        double[] p = percentiles(total);
        double[] o = percentiles(own);
        double[] r = percentiles(reference);
        return List.of(
                List.of("status/current, pveq-api, one pooled keep-alive connection", Integer.toString(calls),
                        rate(calls, pveqNanos), ms(p[0]), ms(p[1]), ms(percentiles(http)[0]), ms(o[0]), ms(o[1]),
                        Integer.toString(exchange.connections.get())),
                List.of("status/current, bare OkHttp, pooled (reference, same loop)", Integer.toString(calls),
                        rate(calls, bareNanos), ms(r[0]), ms(r[1]), ms(r[0]), "-", "-", "0"));
    }

    private static List<String> statusRow(String label, ProxmoxApi api, List<NodeName> nodes, int calls,
                                          Exchange exchange) {
        for (int i = 0; i < 50; i++) {
            status(api, nodes, i);
        }
        exchange.reset();
        List<Double> total = new ArrayList<>();
        List<Double> own = new ArrayList<>();
        List<Double> http = new ArrayList<>();
        long nanos = 0;
        for (int i = 0; i < calls; i++) {
            long before = exchange.nanos.get();
            long t0 = System.nanoTime();
            status(api, nodes, i);
            long t = System.nanoTime() - t0;
            long inHttp = exchange.nanos.get() - before;
            nanos += t;
            total.add(t / 1e6);
            http.add(inHttp / 1e6);
            own.add((t - inHttp) / 1e6);
        }
        double[] p = percentiles(total);
        double[] o = percentiles(own);
        return List.of(label, Integer.toString(calls), rate(calls, nanos), ms(p[0]), ms(p[1]),
                ms(percentiles(http)[0]), ms(o[0]), ms(o[1]), Integer.toString(exchange.connections.get()));
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
        List<Double> times = new ArrayList<>();
        List<Double> http = new ArrayList<>();
        List<Double> own = new ArrayList<>();
        int guests = 0;
        for (int i = 0; i < snapshots; i++) {
            long before = exchange.nanos.get();
            long t0 = System.nanoTime();
            guests = ClusterResource.guests(api.cluster().resources()).size();
            long t = System.nanoTime() - t0;
            long inHttp = exchange.nanos.get() - before;
            times.add(t / 1e6);
            http.add(inHttp / 1e6);
            own.add((t - inHttp) / 1e6);
        }
        if (guests != VMS) {
            throw new IllegalStateException("the snapshot held " + guests + " guests, expected " + VMS);
        }
        double[] p = percentiles(times);
        return List.of("cluster snapshot, /cluster/resources with " + VMS + " VMs into records",
                Integer.toString(snapshots), String.format(java.util.Locale.ROOT, "%.1f", 1000 / p[0]), ms(p[0]),
                ms(p[1]), ms(percentiles(http)[0]), ms(percentiles(own)[0]), ms(percentiles(own)[1]), "0");
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
