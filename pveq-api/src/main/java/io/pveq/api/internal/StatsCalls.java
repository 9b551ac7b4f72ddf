package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.GuestRef;
import io.pveq.api.GuestUsage;
import io.pveq.api.NodeUsage;
import io.pveq.api.StatsApi;
import io.pveq.api.UsageListener;
import io.pveq.api.UsagePoint;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StatsApi} over {@link ApiHttp}. Watches share one {@link Poller} per guest or node and interval;
 * the pollers run on a small daemon scheduler that exists only while something is watched. Thread-safe.
 */
final class StatsCalls implements StatsApi {

    private static final Logger LOG = LoggerFactory.getLogger(StatsCalls.class);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ApiHttp http;
    private final Map<String, Poller<?>> pollers = new HashMap<>();
    private ScheduledExecutorService scheduler;

    StatsCalls(ApiHttp http) {
        this.http = http;
    }

    @Override
    public GuestUsage current(GuestRef guest) {
        JsonNode d = http.call(ApiCall.get(FormParams.empty(), GuestPaths.of(guest, "status", "current")));
        return new GuestUsage(guest, http.clock().instant(), VmStatus.fromProxmox(Json.text(d, "status", "unknown")),
                Json.number(d, "cpus", 0), Json.number(d, "cpu", 0), Json.integer(d, "mem", 0), Json.integer(d, "maxmem", 0),
                Json.integer(d, "disk", 0), Json.integer(d, "maxdisk", 0), Json.integer(d, "netin", 0),
                Json.integer(d, "netout", 0), Json.integer(d, "diskread", 0), Json.integer(d, "diskwrite", 0),
                Duration.ofSeconds(Json.integer(d, "uptime", 0)));
    }

    @Override
    public NodeUsage current(NodeName node) {
        JsonNode d = http.call(ApiCall.get(FormParams.empty(), "nodes", node.value(), "status"));
        List<Double> load = new ArrayList<>();
        for (JsonNode l : d.path("loadavg")) {
            try {
                load.add(Double.parseDouble(l.asText()));
            } catch (NumberFormatException e) {
                load.add(0.0);
            }
        }
        return new NodeUsage(node, http.clock().instant(), Json.number(d, "cpu", 0),
                (int) Json.integer(d.path("cpuinfo"), "cpus", 0), Json.integer(d.path("memory"), "used", 0),
                Json.integer(d.path("memory"), "total", 0), Json.integer(d.path("rootfs"), "used", 0),
                Json.integer(d.path("rootfs"), "total", 0), load, Duration.ofSeconds(Json.integer(d, "uptime", 0)));
    }

    @Override
    public List<UsagePoint> history(GuestRef guest, UsagePoint.Timeframe timeframe, boolean maximum) {
        Objects.requireNonNull(timeframe, "timeframe");
        FormParams params = FormParams.empty().put("timeframe", timeframe.name().toLowerCase(Locale.ROOT))
                .put("cf", maximum ? "MAX" : "AVERAGE");
        JsonNode data = http.call(ApiCall.get(params, GuestPaths.of(guest, "rrddata")));
        List<UsagePoint> out = new ArrayList<>();
        for (JsonNode p : data) {
            out.add(new UsagePoint(Instant.ofEpochSecond(Json.integer(p, "time", 0)), value(p, "cpu"), value(p, "mem"),
                    value(p, "maxmem"), value(p, "netin"), value(p, "netout"), value(p, "diskread"), value(p, "diskwrite")));
        }
        out.sort(java.util.Comparator.comparing(UsagePoint::time));
        return List.copyOf(out);
    }

    private static OptionalDouble value(JsonNode point, String field) {
        JsonNode v = point.get(field);
        if (v == null || v.isNull()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText()));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    @Override
    public Watch watch(GuestRef guest, Duration interval, UsageListener<GuestUsage> listener) {
        Objects.requireNonNull(guest, "guest");
        return subscribe("guest " + guest.node() + "/" + guest.pathKind() + "/" + guest.vmId(), interval, listener,
                () -> current(guest));
    }

    @Override
    public Watch watch(NodeName node, Duration interval, UsageListener<NodeUsage> listener) {
        Objects.requireNonNull(node, "node");
        return subscribe("node " + node, interval, listener, () -> current(node));
    }

    @Override
    public synchronized int activePollers() {
        return pollers.size();
    }

    private <T> Watch subscribe(String what, Duration interval, UsageListener<T> listener, Supplier<T> sampler) {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(listener, "listener");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new InvalidSpecException("interval", "must be at least " + MIN_INTERVAL.toMillis() + " ms, got "
                    + interval.toMillis() + " ms");
        }
        String key = what + " every " + interval.toMillis() + " ms";
        Poller<T> poller;
        synchronized (this) {
            @SuppressWarnings("unchecked")
            Poller<T> existing = (Poller<T>) pollers.get(key);
            if (existing == null) {
                if (scheduler == null) {
                    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
                        Thread t = new Thread(r, "pveq-stats-" + THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    pool.setRemoveOnCancelPolicy(true);
                    scheduler = pool;
                }
                existing = new Poller<>(key, sampler);
                pollers.put(key, existing);
                existing.listeners.add(listener);
                existing.future = scheduler.scheduleWithFixedDelay(existing::poll, 0, interval.toMillis(),
                        TimeUnit.MILLISECONDS);
                poller = existing;
                return () -> unsubscribe(key, listener);
            }
            poller = existing;
            poller.listeners.add(listener);
        }
        T last = poller.last;
        if (last != null) {
            Poller.tell(listener, last, key);
        }
        return () -> unsubscribe(key, listener);
    }

    private void unsubscribe(String key, UsageListener<?> listener) {
        ScheduledExecutorService idle = null;
        synchronized (this) {
            Poller<?> poller = pollers.get(key);
            if (poller == null || !poller.listeners.remove(listener) || !poller.listeners.isEmpty()) {
                return;
            }
            poller.future.cancel(false);
            pollers.remove(key);
            if (pollers.isEmpty()) {
                idle = scheduler;
                scheduler = null;
            }
        }
        if (idle != null) {
            idle.shutdown();
        }
    }

    /** One poll shared by every watcher of one guest or node at one interval. */
    private static final class Poller<T> {
        final String key;
        final Supplier<T> sampler;
        final List<UsageListener<T>> listeners = new CopyOnWriteArrayList<>();
        volatile T last;
        ScheduledFuture<?> future;

        Poller(String key, Supplier<T> sampler) {
            this.key = key;
            this.sampler = sampler;
        }

        void poll() {
            T sample;
            try {
                sample = sampler.get();
            } catch (PveqException e) {
                listeners.forEach(l -> fail(l, e, key));
                return;
            } catch (RuntimeException e) {
                PveqException wrapped = new PveqException("polling " + key + " failed: " + e, e);
                listeners.forEach(l -> fail(l, wrapped, key));
                return;
            }
            last = sample;
            for (UsageListener<T> listener : listeners) {
                tell(listener, sample, key);
            }
        }

        static <T> void tell(UsageListener<T> listener, T sample, String key) {
            try {
                listener.onSample(sample);
            } catch (RuntimeException e) {
                LOG.warn("a listener of {} threw (ignored): {}", key, e.toString());
            }
        }

        private static void fail(UsageListener<?> listener, PveqException e, String key) {
            try {
                listener.onError(e);
            } catch (RuntimeException thrown) {
                LOG.warn("a listener of {} threw on an error (ignored): {}", key, thrown.toString());
            }
        }
    }
}
