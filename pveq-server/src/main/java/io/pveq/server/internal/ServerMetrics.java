package io.pveq.server.internal;

import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.OperationSucceeded;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.StageFailed;
import io.pveq.core.event.StageSucceeded;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's metrics in Prometheus text format (version 0.0.4): jobs by kind and outcome, stage
 * durations, commands and their latencies per node, VMID allocation retries, HTTP requests, open
 * SSE streams. Label values come from a bounded set (kinds, stages, node names, command words,
 * route templates), never from free text. Thread-safe; recording is lock-free.
 */
public final class ServerMetrics {

    private static final double[] COMMAND_BUCKETS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    private final Map<List<String>, LongAdder> jobs = new ConcurrentHashMap<>();
    private final Map<List<String>, Summary> stages = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> commands = new ConcurrentHashMap<>();
    private final Map<String, Histogram> commandLatency = new ConcurrentHashMap<>();
    private final Map<List<String>, Summary> http = new ConcurrentHashMap<>();
    private final LongAdder allocationRetries = new LongAdder();
    private final AtomicLong openStreams = new AtomicLong();

    /**
     * @param kind the job's kind
     * @return a listener recording stage durations and the job's outcome; fast, never throws
     */
    public ProgressListener jobListener(OperationKind kind) {
        return event -> {
            if (event instanceof StageSucceeded s) {
                stage(s.stage().label(), "success", s.took());
            } else if (event instanceof StageFailed f) {
                stage(f.stage().label(), "error", f.took());
            } else if (event instanceof OperationSucceeded) {
                jobs.computeIfAbsent(List.of(kind.label(), "succeeded"), k -> new LongAdder()).increment();
            } else if (event instanceof OperationFailed f) {
                jobs.computeIfAbsent(List.of(kind.label(), f.cancelled() ? "cancelled" : "failed"),
                        k -> new LongAdder()).increment();
            }
        };
    }

    private void stage(String label, String outcome, Duration took) {
        stages.computeIfAbsent(List.of(label, outcome), k -> new Summary()).add(took.toNanos() / 1e9);
    }

    /**
     * @param node    the node
     * @param command a bounded command name, e.g. {@code qm create}
     * @param outcome {@code ok}, {@code nonzero} (Proxmox refused: a non-zero exit, an HTTP error, a failed task) or {@code error}
     * @param took    how long it ran
     */
    public void command(String node, String command, String outcome, Duration took) {
        commands.computeIfAbsent(List.of(node, command, outcome), k -> new LongAdder()).increment();
        commandLatency.computeIfAbsent(node, k -> new Histogram(COMMAND_BUCKETS)).add(took.toNanos() / 1e9);
    }

    /** A {@code qm create} lost the VMID race and the allocator moved on. */
    public void allocationRetry() {
        allocationRetries.increment();
    }

    /**
     * @param method HTTP method
     * @param route  the matched route template (bounded), e.g. {@code /api/vm/{id}/status}
     * @param status response status
     * @param took   handling time
     */
    public void request(String method, String route, int status, Duration took) {
        http.computeIfAbsent(List.of(method, route, Integer.toString(status)), k -> new Summary())
                .add(took.toNanos() / 1e9);
    }

    /** An SSE stream opened. */
    public void streamOpened() {
        openStreams.incrementAndGet();
    }

    /** An SSE stream closed. */
    public void streamClosed() {
        openStreams.decrementAndGet();
    }

    /**
     * @param runningJobs jobs running now
     * @return the exposition text
     */
    public String render(int runningJobs) {
        StringBuilder out = new StringBuilder(4096);
        header(out, "pveq_jobs_total", "counter", "Long operations (jobs) finished, by kind and outcome.");
        sorted(jobs).forEach((k, v) -> sample(out, "pveq_jobs_total", labels("kind", k.get(0), "outcome", k.get(1)),
                v.sum()));
        header(out, "pveq_jobs_running", "gauge", "Jobs running or queued now.");
        sample(out, "pveq_jobs_running", "", runningJobs);
        header(out, "pveq_stage_duration_seconds", "summary", "Time spent in each stage, by outcome.");
        sorted(stages).forEach((k, v) -> {
            String l = labels("stage", k.get(0), "outcome", k.get(1));
            sample(out, "pveq_stage_duration_seconds_sum", l, v.sum.sum());
            sample(out, "pveq_stage_duration_seconds_count", l, v.count.sum());
        });
        header(out, "pveq_commands_total", "counter", "Commands run on nodes, by node, command and outcome.");
        sorted(commands).forEach((k, v) -> sample(out, "pveq_commands_total",
                labels("node", k.get(0), "command", k.get(1), "outcome", k.get(2)), v.sum()));
        header(out, "pveq_command_duration_seconds", "histogram", "Command latency per node.");
        new TreeMap<>(commandLatency).forEach((node, h) -> h.render(out, "pveq_command_duration_seconds", node));
        header(out, "pveq_allocation_retries_total", "counter", "VMID claims lost to a concurrent create and retried.");
        sample(out, "pveq_allocation_retries_total", "", allocationRetries.sum());
        header(out, "pveq_http_requests_total", "counter", "HTTP requests by method, route and status.");
        sorted(http).forEach((k, v) -> sample(out, "pveq_http_requests_total",
                labels("method", k.get(0), "route", k.get(1), "status", k.get(2)), v.count.sum()));
        header(out, "pveq_http_request_duration_seconds", "summary", "HTTP handling time (SSE: the whole stream).");
        sorted(http).forEach((k, v) -> {
            String l = labels("method", k.get(0), "route", k.get(1), "status", k.get(2));
            sample(out, "pveq_http_request_duration_seconds_sum", l, v.sum.sum());
            sample(out, "pveq_http_request_duration_seconds_count", l, v.count.sum());
        });
        header(out, "pveq_sse_streams_open", "gauge", "SSE streams open now.");
        sample(out, "pveq_sse_streams_open", "", openStreams.get());
        return out.toString();
    }

    private static <V> Map<List<String>, V> sorted(Map<List<String>, V> map) {
        TreeMap<List<String>, V> out = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        out.putAll(map);
        return out;
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(number(value)).append('\n');
    }

    private static String number(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6f", v);
    }

    static String labels(String... kv) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(kv[i]).append("=\"");
            for (char c : kv[i + 1].toCharArray()) {
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '"' -> out.append("\\\"");
                    case '\n' -> out.append("\\n");
                    default -> out.append(c);
                }
            }
            out.append('"');
        }
        return out.append('}').toString();
    }

    private static final class Summary {
        final DoubleAdder sum = new DoubleAdder();
        final LongAdder count = new LongAdder();

        void add(double v) {
            sum.add(v);
            count.increment();
        }
    }

    private static final class Histogram {
        final double[] bounds;
        final LongAdder[] buckets;
        final Summary total = new Summary();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.buckets = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void add(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            total.add(v);
        }

        void render(StringBuilder out, String name, String node) {
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += buckets[i].sum();
                sample(out, name + "_bucket", labels("node", node, "le", number(bounds[i])), cumulative);
            }
            sample(out, name + "_bucket", labels("node", node, "le", "+Inf"), total.count.sum());
            sample(out, name + "_sum", labels("node", node), total.sum.sum());
            sample(out, name + "_count", labels("node", node), total.count.sum());
        }
    }
}
