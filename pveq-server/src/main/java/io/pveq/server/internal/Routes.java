package io.pveq.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pveq.core.DiskSize;
import io.pveq.core.InstallSpec;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.Operation;
import io.pveq.core.OperationId;
import io.pveq.core.VmId;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.OperationKind;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The endpoints: SPEC.md section 3 exactly, plus jobs, info, OpenAPI, metrics and {@code /sh/}.
 * Handlers validate everything before calling the provisioner; errors become {@link HttpError}s.
 */
public final class Routes {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final VmProvisioner provisioner;
    private final ObjectMapper mapper;
    private final RequestBodies bodies;
    private final SseStream sse;
    private final ServerMetrics metrics;
    private final ScriptStore scripts;
    private final int maxJobs;
    private final BooleanSupplier draining;
    private final Supplier<Map<String, Object>> info;
    private final byte[] openApi;
    private final ListCache list;

    /**
     * @param provisioner the library
     * @param mapper      the server's mapper
     * @param bodies      request body reader
     * @param sse         SSE writer
     * @param metrics     metrics
     * @param scripts     the init scripts
     * @param maxJobs     running plus queued jobs allowed before new ones get 503
     * @param draining    true while shutting down (new jobs get 503)
     * @param info        content of {@code /api/info}
     * @param openApi     the OpenAPI document
     */
    public Routes(VmProvisioner provisioner, ObjectMapper mapper, RequestBodies bodies, SseStream sse,
                  ServerMetrics metrics, ScriptStore scripts, int maxJobs, BooleanSupplier draining,
                  Supplier<Map<String, Object>> info, byte[] openApi, java.time.Duration listMaxAge) {
        this.provisioner = provisioner;
        this.mapper = mapper;
        this.bodies = bodies;
        this.sse = sse;
        this.metrics = metrics;
        this.scripts = scripts;
        this.maxJobs = maxJobs;
        this.draining = draining;
        this.info = info;
        this.openApi = openApi.clone();
        this.list = new ListCache(() -> {
            try {
                return mapper.writeValueAsBytes(ListView.of(provisioner.overview()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise the list", e);
            }
        }, listMaxAge, java.time.Clock.systemUTC());
    }

    /** Forgets the cached list body: called after every POST and when a job ends. */
    public void changed() {
        list.invalidate();
    }

    /** Registers every endpoint on {@code app}. */
    public void register(Javalin app) {
        app.get("/api/health", ctx -> text(ctx, "ok"));
        app.get("/api/info", ctx -> json(ctx, info.get()));
        app.get("/api/openapi.json", ctx -> ctx.contentType(JSON).result(openApi));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.render(runningJobs())));
        app.get("/sh/{file}", ctx -> {
            String body = scripts.find(ctx.pathParam("file"))
                    .orElseThrow(() -> new HttpError(404, "not_found", null, "no such script"));
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.contentType(TEXT).result(body);
        });

        app.post("/api/vm/install", this::install);
        app.get("/api/vm/list", ctx -> {
            byte[] body = list.get();
            ctx.header("Vary", "Accept-Encoding");
            String accept = ctx.header("Accept-Encoding");
            if (accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("gzip")) {
                body = gzipped(body); // Go's HTTP client asks for gzip by default; compressed once per cached body
                ctx.header("Content-Encoding", "gzip");
            }
            ctx.header("Content-Length", Integer.toString(body.length)); // streamed without chunking
            ctx.contentType(JSON).result(body);
        });
        app.get("/api/vm/{id}/status", ctx -> text(ctx, provisioner.status(id(ctx)).isRunning() ? "running" : "stopped"));
        app.post("/api/vm/{id}/start", ctx -> {
            VmId id = id(ctx);
            noForce(ctx, "start");
            admit();
            stream(ctx, provisioner.submitStart(id, listener(OperationKind.START)));
        });
        app.post("/api/vm/{id}/stop", ctx -> {
            VmId id = id(ctx);
            provisioner.stop(id, locks(ctx));
            text(ctx, "VM " + id + " stopped");
        });
        app.post("/api/vm/{id}/shutdown", ctx -> {
            VmId id = id(ctx);
            noForce(ctx, "shutdown");
            admit();
            provisioner.submitShutdown(id, provisioner.settings().timeouts().shutdown(), false,
                    listener(OperationKind.SHUTDOWN)).await();
            text(ctx, "VM " + id + " shut down");
        });
        app.post("/api/vm/{id}/reboot", ctx -> {
            VmId id = id(ctx);
            noForce(ctx, "reboot");
            admit();
            stream(ctx, provisioner.submitReboot(id, listener(OperationKind.REBOOT)));
        });
        app.post("/api/vm/{id}/destroy", ctx -> {
            VmId id = id(ctx);
            provisioner.destroy(id, locks(ctx));
            text(ctx, "VM " + id + " destroyed");
        });
        app.post("/api/vm/{id}/set/cpu", ctx -> {
            VmId id = id(ctx);
            int cpu = provisioner.limits().checkCpu("cpu", bodies.requiredInt(body(ctx), "cpu"));
            provisioner.setCpu(id, cpu, locks(ctx));
            text(ctx, "VM " + id + " cpu set to " + cpu);
        });
        app.post("/api/vm/{id}/set/memory", ctx -> {
            VmId id = id(ctx);
            int memory = provisioner.limits().checkRam("memory", bodies.requiredInt(body(ctx), "memory"));
            provisioner.setMemory(id, memory, locks(ctx));
            text(ctx, "VM " + id + " memory set to " + memory + " MB");
        });
        app.post("/api/vm/{id}/set/disk", ctx -> {
            VmId id = id(ctx);
            DiskSize increment = DiskSize.parseIncrement("disk", bodies.requiredText(body(ctx), "disk"));
            DiskSize size = provisioner.growDisk(id, increment, locks(ctx));
            text(ctx, "VM " + id + " disk grown by " + increment + " to " + size);
        });
        app.post("/api/vm/{id}/set/node", ctx -> {
            VmId id = id(ctx);
            noForce(ctx, "a migration");
            NodeName target = bodies.node(body(ctx));
            admit();
            stream(ctx, provisioner.submitMigrate(id, target, listener(OperationKind.MIGRATE)));
        });

        app.get("/api/jobs", ctx -> {
            List<JobViews.Summary> jobs = provisioner.operations().list().stream().map(JobViews::summary).toList();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("success", true);
            out.put("jobs", jobs);
            json(ctx, out);
        });
        app.get("/api/jobs/{job}", ctx -> json(ctx, JobViews.detail(job(ctx))));
        app.get("/api/jobs/{job}/events", ctx -> {
            int from = fromIndex(ctx);
            Operation<?> op = job(ctx);
            if (op.state().isFinished() && from >= op.eventCount()) {
                // nothing more will ever come: a 204 makes a browser's EventSource stop reconnecting
                // (HTML spec), which it otherwise does after every end of a finished job's stream
                jobHeaders(op).forEach(ctx::header);
                ctx.status(204);
                return;
            }
            sse.stream(ctx.res(), jobHeaders(op), op, from);
        });
        app.post("/api/jobs/{job}/cancel", ctx -> {
            Operation<?> op = job(ctx);
            if (!op.cancel()) {
                throw new HttpError(409, "conflict", null, "job " + op.id() + " has already finished or is being cancelled");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("success", true);
            out.put("id", op.id().value());
            out.put("state", "cancelling");
            ctx.status(202);
            json(ctx, out);
        });
    }

    private byte[] lastPlain;
    private byte[] lastGzip;

    private synchronized byte[] gzipped(byte[] plain) {
        if (plain != lastPlain) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plain.length / 8 + 64);
            try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
                gz.write(plain);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            lastGzip = out.toByteArray();
            lastPlain = plain;
        }
        return lastGzip;
    }

    private void install(Context ctx) {
        InstallSpec spec = provisioner.validate(bodies.install(body(ctx)));
        admit();
        stream(ctx, provisioner.submitInstall(spec, listener(OperationKind.INSTALL)));
    }

    private io.pveq.core.event.ProgressListener listener(OperationKind kind) {
        return metrics.jobListener(kind).andThen(event -> {
            if (event.isTerminal() || event.stage() == io.pveq.core.event.Stage.CREATING_VM) {
                list.invalidate();
            }
        });
    }

    private void stream(Context ctx, Operation<?> op) {
        ctx.attribute("job", op.id().value());
        sse.stream(ctx.res(), jobHeaders(op), op, 0);
    }

    private static Map<String, String> jobHeaders(Operation<?> op) {
        return Map.of("X-Job-Id", op.id().value(), "Content-Location", "/api/jobs/" + op.id().value());
    }

    private void admit() {
        if (draining.getAsBoolean()) {
            throw new HttpError(503, "unavailable", null, "the server is shutting down");
        }
        if (runningJobs() >= maxJobs) {
            throw new HttpError(503, "busy", null, "too many jobs running or queued (" + maxJobs + "); retry later");
        }
    }

    private int runningJobs() {
        return provisioner.operations().runningHere().size(); // this instance's pool is what fills up
    }

    private Operation<?> job(Context ctx) {
        OperationId id = OperationId.parse(ctx.pathParam("job"));
        return provisioner.operations().find(id)
                .orElseThrow(() -> new HttpError(404, "job_not_found", null, "no job " + id + " (finished jobs are kept"
                        + " for a limited time)"));
    }

    private static int fromIndex(Context ctx) {
        String last = ctx.header("Last-Event-ID");
        String from = ctx.queryParam("from");
        if (last != null && !last.isBlank()) {
            return index("Last-Event-ID", last.strip()) + 1;
        }
        return from == null ? 0 : index("from", from);
    }

    private static int index(String field, String text) {
        if (!text.matches("[0-9]{1,9}")) {
            throw HttpError.badField(field, "must be an event index (digits), got '" + InvalidSpecException.shorten(text) + "'");
        }
        return Integer.parseInt(text);
    }

    /**
     * The {@code force} query parameter of stop, destroy and set cpu/memory/disk: {@code true}/{@code 1}
     * overrides a Proxmox config lock (the commands carry {@code --skiplock 1}); absent or
     * {@code false}/{@code 0} respects it (409 {@code locked}).
     */
    static io.pveq.core.LockPolicy locks(Context ctx) {
        String force = ctx.queryParam("force");
        if (force == null || force.equals("false") || force.equals("0")) {
            return io.pveq.core.LockPolicy.RESPECT;
        }
        if (force.equals("true") || force.equals("1")) {
            return io.pveq.core.LockPolicy.OVERRIDE;
        }
        throw HttpError.badField("force", "must be true, false, 1 or 0, got '" + InvalidSpecException.shorten(force) + "'");
    }

    /** Start, shutdown, reboot and migrate never override a lock: a {@code force} there is a mistake, said so. */
    private static void noForce(Context ctx, String what) {
        if (ctx.queryParam("force") != null) {
            throw HttpError.badField("force", "is not accepted for " + what + ": only stop, destroy and set"
                    + " cpu/memory/disk can override a Proxmox lock");
        }
    }

    private static VmId id(Context ctx) {
        return VmId.parse("id", ctx.pathParam("id"));
    }

    private byte[] body(Context ctx) {
        return bodies.read(ctx.req().getContentLengthLong(), inputStream(ctx));
    }

    private static java.io.InputStream inputStream(Context ctx) {
        try {
            return ctx.req().getInputStream();
        } catch (java.io.IOException e) {
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
