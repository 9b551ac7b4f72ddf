package io.pveq.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.sim.SimulatedCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Many SSE subscribers on one job: {@code --subscribers} clients (default 500) attach to
 * {@code GET /api/jobs/<id>/events} of one install running on the simulated cluster
 * ({@code --speed}, default 5 times real time) and must each receive every event, in order, with no
 * gap or duplicate. Reports the time to attach them all, what each received, and the delivery skew
 * per live event (last subscriber's receipt minus first's). Prints a table and writes JSON to
 * {@code pveq-examples/target/bench/sse-fanout.json}.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl pveq-examples -am package -DskipTests && java -cp
 * pveq-server/target/pveq-server.jar:pveq-examples/target/classes io.pveq.examples.bench.SseFanoutBenchmark}
 */
public final class SseFanoutBenchmark {

    private SseFanoutBenchmark() {
    }

    /** One subscriber's view: the ids it got and when. */
    static final class Subscriber implements Flow.Subscriber<String> {
        final List<Integer> ids = new ArrayList<>();
        final Map<Integer, Long> at = new ConcurrentHashMap<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long attachedNanos;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (attachedNanos == 0) {
                attachedNanos = System.nanoTime();
            }
            if (line.startsWith("id: ")) {
                int id = Integer.parseInt(line.substring(4));
                synchronized (ids) {
                    ids.add(id);
                }
                at.put(id, System.nanoTime());
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }

    /** @param args {@code --subscribers N --speed N} */
    public static void main(String[] args) throws Exception {
        Map<String, Integer> opt = ListLatencyBenchmark.options(args, Map.of("subscribers", 500, "speed", 5));
        int n = opt.get("subscribers");
        ObjectMapper json = new ObjectMapper();
        try (BenchServer s = new BenchServer(SimulatedCluster.builder().speedFactor(opt.get("speed")).build(), n + 128)) {
            String job;
            Socket post = new Socket("127.0.0.1", s.port());
            byte[] body = "{\"os\":\"debian\",\"version\":\"12\",\"name\":\"fanout\"}".getBytes(StandardCharsets.UTF_8);
            OutputStream out = post.getOutputStream();
            out.write(("POST /api/vm/install HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            job = headerOf(post.getInputStream(), "x-job-id");
            Thread drain = new Thread(() -> {
                try {
                    post.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (Exception ignored) {
                    // the installing client's own stream; only drained
                }
            });
            drain.start();

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            URI events = URI.create("http://127.0.0.1:" + s.port() + "/api/jobs/" + job + "/events");
            List<Subscriber> subs = new ArrayList<>();
            List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>();
            long a0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Subscriber sub = new Subscriber();
                subs.add(sub);
                responses.add(client.sendAsync(HttpRequest.newBuilder(events).build(),
                        HttpResponse.BodyHandlers.fromLineSubscriber(sub)));
            }
            for (int i = 0; i < n; i++) {
                int status = responses.get(i).get(600, TimeUnit.SECONDS).statusCode();
                if (status != 200) {
                    throw new IllegalStateException("subscriber got " + status);
                }
                subs.get(i).done.get(600, TimeUnit.SECONDS);
            }
            long attachedAll = subs.stream().mapToLong(x -> x.attachedNanos).max().orElse(a0);
            double attachSeconds = (attachedAll - a0) / 1e9;
            drain.join(60_000);
            post.close();
            int total = json.readTree(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                    + "/api/jobs/" + job)).build(), HttpResponse.BodyHandlers.ofString()).body()).get("job").get("events").asInt();
            int complete = 0;
            long gapsOrDuplicates = 0;
            for (Subscriber sub : subs) {
                boolean ok = sub.ids.size() == total;
                for (int i = 0; i < sub.ids.size(); i++) {
                    if (sub.ids.get(i) != i) {
                        ok = false;
                        gapsOrDuplicates++;
                    }
                }
                complete += ok ? 1 : 0;
            }
            List<Double> skews = new ArrayList<>();
            for (int id = 0; id < total; id++) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                boolean live = true;
                for (Subscriber sub : subs) {
                    Long t = sub.at.get(id);
                    if (t == null || t < attachedAll) {
                        live = false;
                        break;
                    }
                    min = Math.min(min, t);
                    max = Math.max(max, t);
                }
                if (live) {
                    skews.add((max - min) / 1e6);
                }
            }
            double[] sk = skews.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("benchmark", "sse-fanout");
            result.put("machine", BenchServer.machine());
            result.put("subscribers", n);
            result.put("events_in_job", total);
            result.put("subscribers_with_every_event", complete);
            result.put("gaps_or_duplicates", gapsOrDuplicates);
            result.put("attach_all_seconds", attachSeconds);
            result.put("live_events", sk.length);
            result.put("skew_p50_ms", sk.length == 0 ? 0 : sk[(int) Math.ceil(0.5 * sk.length) - 1]);
            result.put("skew_p99_ms", sk.length == 0 ? 0 : sk[(int) Math.ceil(0.99 * sk.length) - 1]);
            result.put("skew_max_ms", sk.length == 0 ? 0 : sk[sk.length - 1]);
            System.out.println();
            System.out.println("| subscribers | events in job | got every event | gaps/dups | attach all | live events | skew p50 | skew p99 | skew max |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.2f s | %d | %.1f ms | %.1f ms | %.1f ms |%n", n, total,
                    complete, gapsOrDuplicates, attachSeconds, sk.length, result.get("skew_p50_ms"),
                    result.get("skew_p99_ms"), result.get("skew_max_ms"));
            System.out.println((complete == n ? "every subscriber received every event; " : "SOME SUBSCRIBERS MISSED EVENTS; ")
                    + BenchServer.machine());
            System.out.println("JSON: " + BenchServer.writeJson("sse-fanout.json",
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(result)));
            if (complete != n) {
                System.exit(1);
            }
        }
    }

    private static String headerOf(InputStream in, String name) throws Exception {
        StringBuilder line = new StringBuilder();
        String found = null;
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String l = line.toString().strip();
                if (l.isEmpty()) {
                    break;
                }
                int colon = l.indexOf(':');
                if (colon > 0 && l.substring(0, colon).equalsIgnoreCase(name)) {
                    found = l.substring(colon + 1).strip();
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        if (found == null) {
            throw new IllegalStateException("no " + name + " header");
        }
        return found;
    }
}
