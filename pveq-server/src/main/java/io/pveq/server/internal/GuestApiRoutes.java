package io.pveq.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pveq.api.ClusterResource;
import io.pveq.api.GuestAddresses;
import io.pveq.api.GuestMatch;
import io.pveq.api.GuestRef;
import io.pveq.api.GuestUsage;
import io.pveq.api.NodeUsage;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.Snapshot;
import io.pveq.api.SnapshotOptions;
import io.pveq.api.SnapshotTree;
import io.pveq.api.StatsApi;
import io.pveq.api.TaskEvent;
import io.pveq.api.TaskListener;
import io.pveq.api.UsageListener;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The endpoints of issue #17 beside the reference's, over the Proxmox REST API ({@link ProxmoxApi}):
 * snapshots of a VM, its addresses, live statistics of a VM or node as SSE, reverse lookup, containers.
 * Without a REST API (cluster mode until the engine speaks it) each answers 503 saying so. Validation
 * happens before anything is sent to Proxmox; task streams start with the task's first log line, so a
 * refusal is an ordinary error answer. Snapshot streams follow one Proxmox task on the request's
 * thread: they are not jobs of {@code /api/jobs}, and a client that goes away leaves the task running.
 */
public final class GuestApiRoutes {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final Duration TASK_WAIT = Duration.ofMinutes(30);
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final Optional<ProxmoxApi> api;
    private final ObjectMapper mapper;
    private final RequestBodies bodies;
    private final ServerMetrics metrics;
    private final Duration heartbeat;
    private final BooleanSupplier stopping;

    /**
     * @param api       the Proxmox REST API, when the backend has one
     * @param mapper    the server's mapper
     * @param bodies    request body reader
     * @param metrics   counts open streams
     * @param heartbeat interval of keep-alive comments on streams
     * @param stopping  true once the server shuts down: statistics streams end
     */
    public GuestApiRoutes(Optional<ProxmoxApi> api, ObjectMapper mapper, RequestBodies bodies, ServerMetrics metrics,
                          Duration heartbeat, BooleanSupplier stopping) {
        this.api = api;
        this.mapper = mapper;
        this.bodies = bodies;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
        this.stopping = stopping;
    }

    /** Registers the endpoints on {@code app}. */
    public void register(Javalin app) {
        app.get("/api/vm/{id}/snapshots", ctx -> {
            GuestRef vm = vm(ctx);
            json(ctx, snapshots(api().snapshots().list(vm)));
        });
        app.post("/api/vm/{id}/snapshots", ctx -> {
            GuestRef vm = vm(ctx);
            RequestBodies.Fields body = bodies.fields(body(ctx), Set.of("name", "description", "vmstate"), false);
            String name = body.requiredText("name");
            SnapshotOptions options = SnapshotOptions.defaults();
            Optional<String> description = body.optionalText("description");
            if (description.isPresent()) {
                options = options.withDescription(description.get());
            }
            if (body.optionalBoolean("vmstate").orElse(false)) {
                options = options.withVmState();
            }
            SnapshotOptions chosen = options;
            task(ctx, vm, "snapshot", "[+] snapshot '" + name + "' of VM " + vm.vmId() + " taken",
                    listener -> api().snapshots().create(vm, name, chosen, TASK_WAIT, listener));
        });
        app.post("/api/vm/{id}/snapshots/{name}/rollback", ctx -> {
            GuestRef vm = vm(ctx);
            String name = ctx.pathParam("name");
            boolean start = bodies.fields(body(ctx), Set.of("start"), true).optionalBoolean("start").orElse(false);
            task(ctx, vm, "rollback", "[+] VM " + vm.vmId() + " rolled back to snapshot '" + name + "'",
                    listener -> api().snapshots().rollback(vm, name, start, TASK_WAIT, listener));
        });
        app.delete("/api/vm/{id}/snapshots/{name}", ctx -> {
            GuestRef vm = vm(ctx);
            String name = ctx.pathParam("name");
            try {
                api().snapshots().delete(vm, name, false, TASK_WAIT, TaskListener.NONE);
            } catch (InvalidSpecException e) {
                throw named(e);
            }
            text(ctx, "VM " + vm.vmId() + " snapshot " + name + " deleted");
        });
        app.get("/api/vm/{id}/ip", ctx -> {
            GuestRef vm = vm(ctx);
            GuestAddresses addresses = api().agent().addresses(vm.node(), vm.vmId());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("success", true);
            out.put("vm_id", vm.vmId().value());
            out.put("addresses", addresses.addresses());
            out.put("source", addresses.source() == GuestAddresses.Source.RUNNING ? "agent" : "config");
            json(ctx, out);
        });
        app.get("/api/vm/{id}/stats", ctx -> {
            Duration interval = interval(ctx);
            GuestRef vm = vm(ctx);
            this.<GuestUsage>stream(ctx, listener -> api().stats().watch(vm, interval, listener), this::usage);
        });
        app.get("/api/nodes/{node}/stats", ctx -> {
            Duration interval = interval(ctx);
            NodeName node = node(ctx);
            this.<NodeUsage>stream(ctx, listener -> api().stats().watch(node, interval, listener), this::usage);
        });
        app.get("/api/lookup", ctx -> lookup(ctx));
        app.get("/api/ct/list", ctx -> {
            List<Map<String, Object>> containers = api().cluster().guests().stream()
                    .filter(g -> g.type() == ClusterResource.GuestType.LXC).map(GuestApiRoutes::guest).toList();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("success", true);
            out.put("containers", containers);
            json(ctx, out);
        });
        app.post("/api/ct/{id}/start", ctx -> {
            GuestRef ct = container(ctx);
            await(api().containers().start(ct.node(), ct.vmId()));
            text(ctx, "CT " + ct.vmId() + " started");
        });
        app.post("/api/ct/{id}/stop", ctx -> {
            GuestRef ct = container(ctx);
            await(api().containers().stop(ct.node(), ct.vmId()));
            text(ctx, "CT " + ct.vmId() + " stopped");
        });
        app.post("/api/ct/{id}/shutdown", ctx -> {
            GuestRef ct = container(ctx);
            await(api().containers().shutdown(ct.node(), ct.vmId(), Optional.of(Duration.ofMinutes(3)), false));
            text(ctx, "CT " + ct.vmId() + " shut down");
        });
    }

    private ProxmoxApi api() {
        return api.orElseThrow(() -> new HttpError(503, "unavailable", null, "this endpoint needs the Proxmox REST API,"
                + " which this server has no connection to (on the simulated cluster set SIM_API_PORT to a free port;"
                + " a cluster's REST API arrives with the REST engine, issue #14)"));
    }

    private void await(io.pveq.api.Upid upid) {
        api().tasks().await(upid, TASK_WAIT, TaskListener.NONE);
    }

    private GuestRef vm(Context ctx) {
        return guest(ctx, ClusterResource.GuestType.QEMU);
    }

    private GuestRef container(Context ctx) {
        return guest(ctx, ClusterResource.GuestType.LXC);
    }

    private GuestRef guest(Context ctx, ClusterResource.GuestType type) {
        VmId id = VmId.parse("id", ctx.pathParam("id"));
        ClusterResource.Guest guest = api().cluster().findGuest(id).filter(g -> g.type() == type)
                .orElseThrow(() -> new VmNotFoundException(id));
        return GuestRef.of(guest);
    }

    private static NodeName node(Context ctx) {
        String text = ctx.pathParam("node");
        if (!text.matches("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")) {
            throw HttpError.badField("node", "must be a node name (letters, digits, -), got '"
                    + InvalidSpecException.shorten(text) + "'");
        }
        return NodeName.of(text);
    }

    private static Duration interval(Context ctx) {
        String text = ctx.queryParam("interval");
        if (text == null) {
            return DEFAULT_INTERVAL;
        }
        if (!text.matches("[0-9]{1,6}") || Integer.parseInt(text) < 100 || Integer.parseInt(text) > 600_000) {
            throw HttpError.badField("interval", "must be milliseconds between 100 and 600000, got '"
                    + InvalidSpecException.shorten(text) + "'");
        }
        return Duration.ofMillis(Integer.parseInt(text));
    }

    private void lookup(Context ctx) {
        String ip = ctx.queryParam("ip");
        String host = ctx.queryParam("host");
        if ((ip == null) == (host == null)) {
            throw HttpError.badField(ip == null ? "ip" : "host", "give exactly one of ip and host");
        }
        Optional<GuestMatch> found = ip != null ? api().lookup().byAddress(ip) : api().lookup().byHostName(host);
        GuestMatch match = found.orElseThrow(() -> new HttpError(404, "not_found", null,
                "no guest has " + (ip != null ? "the address " + ip : "the host name " + host)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("vm_id", match.guest().vmId().value());
        out.put("type", match.guest().pathKind());
        out.put("node", match.guest().node().value());
        out.put("name", match.name());
        out.put("addresses", match.addresses());
        json(ctx, out);
    }

    private static Map<String, Object> guest(ClusterResource.Guest g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vm_id", g.vmId().value());
        out.put("name", g.name());
        out.put("node", g.node().value());
        out.put("status", g.status().name().toLowerCase(java.util.Locale.ROOT));
        out.put("cpus", g.maxCpu());
        out.put("memory_bytes", g.maxMem());
        out.put("uptime_s", g.uptime().toSeconds());
        return out;
    }

    private static Map<String, Object> snapshots(SnapshotTree tree) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("vm_id", tree.guest().vmId().value());
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("parent", tree.currentParent().orElse(null));
        current.put("running", tree.running());
        out.put("current", current);
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (Snapshot s : tree.snapshots()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", s.name());
            entry.put("parent", s.parent().orElse(null));
            entry.put("description", s.description());
            entry.put("time", s.time().map(Object::toString).orElse(null));
            entry.put("vmstate", s.vmState());
            list.add(entry);
        }
        out.put("snapshots", list);
        return out;
    }

    private Map<String, Object> usage(GuestUsage u) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vm_id", u.guest().vmId().value());
        out.put("node", u.guest().node().value());
        out.put("at", u.at().toString());
        out.put("status", u.status().name().toLowerCase(java.util.Locale.ROOT));
        out.put("cpus", u.cpus());
        out.put("cpu", u.cpu());
        out.put("mem", u.mem());
        out.put("maxmem", u.maxMem());
        out.put("netin", u.netIn());
        out.put("netout", u.netOut());
        out.put("diskread", u.diskRead());
        out.put("diskwrite", u.diskWrite());
        out.put("uptime_s", u.uptime().toSeconds());
        return out;
    }

    private Map<String, Object> usage(NodeUsage u) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", u.node().value());
        out.put("at", u.at().toString());
        out.put("cpu", u.cpu());
        out.put("cpus", u.cpus());
        out.put("mem", u.memUsed());
        out.put("maxmem", u.memTotal());
        out.put("rootfs_used", u.rootUsed());
        out.put("rootfs_total", u.rootTotal());
        out.put("loadavg", u.loadAverage());
        out.put("uptime_s", u.uptime().toSeconds());
        return out;
    }

    /**
     * Runs one awaited Proxmox task, streaming its log as SSE from its first line on (so that a
     * refusal before any line is an ordinary error answer), ending with a success or error event.
     */
    private void task(Context ctx, GuestRef vm, String step, String done, Function<TaskListener, ?> work) {
        LazyStream stream = new LazyStream(ctx);
        TaskListener listener = event -> {
            if (event instanceof TaskEvent.LogLine line) {
                stream.event(payload(step, "processing", line.text(), vm));
            }
        };
        try {
            work.apply(listener);
        } catch (RuntimeException e) {
            if (!stream.started()) {
                throw named(e);
            }
            stream.event(payload(step, "error", "[-] failed: " + e.getMessage(), vm));
            return;
        }
        stream.event(payload(step, "success", done, vm));
    }

    /** The library names a snapshot {@code snapname}; this API calls it {@code name}. */
    private static RuntimeException named(RuntimeException e) {
        if (e instanceof InvalidSpecException invalid && invalid.field().equals("snapname")) {
            return HttpError.badField("name", invalid.rule());
        }
        return e;
    }

    private static Map<String, Object> payload(String step, String status, String message, GuestRef vm) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", step);
        out.put("status", status);
        out.put("message", message);
        out.put("vm_id", vm.vmId().value());
        return out;
    }

    /** Streams samples of a watch as SSE until the client goes away or the server stops. */
    private <T> void stream(Context ctx, Function<UsageListener<T>, StatsApi.Watch> watch,
                            Function<T, Map<String, Object>> render) {
        LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        UsageListener<T> listener = new UsageListener<>() {
            @Override
            public void onSample(T sample) {
                queue.offer(render.apply(sample));
            }

            @Override
            public void onError(PveqException failure) {
                queue.offer(Map.of("error", String.valueOf(failure.getMessage())));
            }
        };
        LazyStream stream = new LazyStream(ctx);
        stream.start();
        metrics.streamOpened();
        try (StatsApi.Watch w = watch.apply(listener)) {
            while (!stopping.getAsBoolean()) {
                Object next = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (!(next == null ? stream.heartbeat() : stream.event(next))) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            metrics.streamClosed();
        }
    }

    /** An SSE response whose headers go out with its first event; the container ends it when the handler returns. */
    private final class LazyStream {
        private final Context ctx;
        private OutputStream out;
        private int index;
        private boolean broken;

        LazyStream(Context ctx) {
            this.ctx = ctx;
        }

        boolean started() {
            return out != null;
        }

        void start() {
            ctx.res().setStatus(200);
            ctx.res().setHeader("Content-Type", "text/event-stream");
            ctx.res().setHeader("Cache-Control", "no-cache");
            ctx.res().setHeader("X-Accel-Buffering", "no");
            try {
                out = ctx.res().getOutputStream();
                ctx.res().flushBuffer();
            } catch (IOException e) {
                broken = true;
                out = OutputStream.nullOutputStream();
            }
        }

        /** @return false once the client has gone away */
        boolean event(Object data) {
            if (!started()) {
                start();
            }
            try {
                return write(("id: " + index++ + "\ndata: " + mapper.writeValueAsString(data) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise an event", e);
            }
        }

        boolean heartbeat() {
            return write(HEARTBEAT);
        }

        private boolean write(byte[] bytes) {
            if (broken) {
                return false;
            }
            try {
                out.write(bytes);
                out.flush();
                return true;
            } catch (IOException e) {
                broken = true;
                return false;
            }
        }
    }

    private byte[] body(Context ctx) {
        try {
            return bodies.read(ctx.req().getContentLengthLong(), ctx.req().getInputStream());
        } catch (IOException e) {
            throw HttpError.badField("body", "could not be read");
        }
    }

    private static void text(Context ctx, String text) {
        ctx.contentType(TEXT).result(text.getBytes(StandardCharsets.UTF_8));
    }

    private void json(Context ctx, Object value) {
        try {
            ctx.contentType(JSON).result(mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }
}
