package io.pveq.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.pveq.api.ProxmoxApi;
import io.pveq.core.Operation;
import io.pveq.core.VmProvisioner;
import io.pveq.server.internal.AccessGuard;
import io.pveq.server.internal.ErrorMapper;
import io.pveq.server.internal.GuestApiRoutes;
import io.pveq.server.internal.HttpError;
import io.pveq.server.internal.RequestBodies;
import io.pveq.server.internal.Routes;
import io.pveq.server.internal.ScriptStore;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.server.internal.SseStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server over a {@link VmProvisioner}: SPEC.md's REST/SSE API plus jobs, security,
 * OpenAPI, metrics and the init scripts. Jobs run in the provisioner, independent of HTTP
 * connections. Thread-safe. {@link #close()} stops it gracefully (see {@link ShutdownMode}); the
 * provisioner stays open and belongs to the caller.
 */
public final class PveqServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PveqServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.pveq.server.access");

    private final ServerConfig config;
    private final VmProvisioner provisioner;
    private final Javalin app;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SseStream sse;

    private PveqServer(ServerConfig config, VmProvisioner provisioner, ServerMetrics metrics, Map<String, Object> info,
                       Optional<ProxmoxApi> api) {
        this.config = config;
        this.provisioner = provisioner;
        ObjectMapper mapper = new ObjectMapper();
        AccessGuard guard = new AccessGuard(config);
        this.sse = new SseStream(mapper, config.sseHeartbeat(), draining::get, metrics);
        ScriptStore scripts = ScriptStore.load(config.shDir());
        LOG.info("serving {} init scripts at /sh/ from {}", scripts.size(),
                config.shDir().map(d -> d.toAbsolutePath().toString()).orElse("the pveq-core jar"));
        Map<String, Object> infoCopy = new LinkedHashMap<>(info);
        Routes routes = new Routes(provisioner, mapper, new RequestBodies(mapper, config.maxBodyBytes()), sse, metrics,
                scripts, config.jobWorkers() + config.jobQueue(), draining::get, () -> infoCopy, openApi(),
                config.listMaxAge());
        QueuedThreadPool pool = new QueuedThreadPool(config.httpMaxThreads(), 8, 60_000);
        pool.setName("pveq-http");
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.jetty.threadPool = pool;
            c.jetty.defaultHost = config.bindAddress();
            c.http.maxRequestSize = config.maxBodyBytes();
            c.http.disableCompression();
            c.router.ignoreTrailingSlashes = true;
            c.requestLogger.http((ctx, ms) -> {
                String route = route(ctx);
                metrics.request(ctx.method().name(), route,
                        ctx.statusCode(), Duration.ofNanos((long) (ms * 1_000_000)));
                if (ACCESS.isInfoEnabled()) {
                    Object job = ctx.attribute("job");
                    Object client = ctx.attribute("client");
                    ACCESS.info("method={} path={} status={} ms={} client={}{}", ctx.method(), ctx.path(),
                            ctx.statusCode(), String.format(java.util.Locale.ROOT, "%.1f", ms),
                            client == null ? client(guard, ctx.req()) : client, job == null ? "" : " job=" + job);
                }
            });
        });
        app.before(ctx -> {
            ctx.attribute("client", client(guard, ctx.req()));
            ctx.header("X-Content-Type-Options", "nosniff");
            if (guard.cors(ctx.req(), ctx.res())) {
                ctx.skipRemainingHandlers();
                return;
            }
            guard.authorize(ctx.req(), ctx.path(), ctx.queryParam("access_token"));
        });
        app.options("/*", ctx -> { });
        app.after(ctx -> {
            if (ctx.method() == io.javalin.http.HandlerType.POST) {
                routes.changed();
            }
        });
        app.exception(HttpResponseException.class, (e, ctx) -> error(mapper, ctx,
                new HttpError(e.getStatus(), e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(), null,
                        e.getStatus() == 404 ? "no such endpoint" : e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            HttpError err = ErrorMapper.map(e);
            if (err.status() >= 500 && !(e instanceof HttpError)) {
                LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.toString(), err.status() == 500 ? e : null);
            }
            error(mapper, ctx, err);
        });
        routes.register(app);
        new GuestApiRoutes(api, mapper, new RequestBodies(mapper, config.maxBodyBytes()), metrics, config.sseHeartbeat(),
                draining::get).register(app);
    }

    private static String route(io.javalin.http.Context ctx) {
        try {
            String route = ctx.endpointHandlerPath();
            return route == null || route.isEmpty() || route.equals("/*") ? "unmatched" : route;
        } catch (IllegalStateException e) {
            return "unmatched"; // no endpoint matched (404) or the request ended in a before-handler
        }
    }

    private static String client(AccessGuard guard, jakarta.servlet.http.HttpServletRequest req) {
        try {
            return guard.clientAddress(req).getHostAddress();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static void error(ObjectMapper mapper, io.javalin.http.Context ctx, HttpError err) {
        if (ctx.res().isCommitted()) {
            return; // a stream already started: its events tell the story
        }
        if (err.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        if (err.status() == 503) {
            ctx.header("Retry-After", "10");
        }
        try {
            ctx.status(err.status()).contentType("application/json").result(mapper.writeValueAsBytes(ErrorMapper.body(err)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.status(500).result("internal error");
        }
    }

    private static byte[] openApi() {
        try (InputStream in = PveqServer.class.getResourceAsStream("/io/pveq/server/openapi.json")) {
            return Objects.requireNonNull(in, "openapi.json missing from the jar").readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds and starts a server.
     *
     * @param config      HTTP settings
     * @param provisioner the library; stays the caller's
     * @param metrics     metrics shared with the transports the caller built
     * @param info        extra facts for {@code GET /api/info} (mode, nodes, warnings)
     * @return the running server
     */
    public static PveqServer start(ServerConfig config, VmProvisioner provisioner, ServerMetrics metrics,
                                   Map<String, Object> info) {
        return start(config, provisioner, metrics, info, Optional.empty());
    }

    /**
     * Builds and starts a server that also serves the endpoints over the Proxmox REST API (snapshots,
     * addresses, statistics, lookup, containers; docs/api.md).
     *
     * @param config      HTTP settings
     * @param provisioner the library; stays the caller's
     * @param metrics     metrics shared with the transports the caller built
     * @param info        extra facts for {@code GET /api/info} (mode, nodes, warnings)
     * @param api         the cluster's REST API; stays the caller's; empty: those endpoints answer 503
     * @return the running server
     */
    public static PveqServer start(ServerConfig config, VmProvisioner provisioner, ServerMetrics metrics,
                                   Map<String, Object> info, Optional<ProxmoxApi> api) {
        PveqServer server = new PveqServer(config, provisioner, metrics, info, api);
        server.app.start(config.bindAddress(), config.port());
        LOG.info("pveq-server listening on {}:{}", config.bindAddress(), server.port());
        return server;
    }

    /** @return the port listened on */
    public int port() {
        return app.port();
    }

    /**
     * Stops gracefully: refuses new jobs, then waits for running jobs ({@link ShutdownMode#AWAIT}) or
     * cancels them with rollback ({@link ShutdownMode#CANCEL}), in both cases up to
     * {@link ServerConfig#shutdownTimeout()}; then stops HTTP. Idempotent; blocking.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        draining.set(true);
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        List<Operation<?>> running = provisioner.operations().runningHere();
        if (!running.isEmpty()) {
            LOG.info("shutdown: {} running job(s), mode {}", running.size(), config.shutdownMode());
        }
        if (config.shutdownMode() == ShutdownMode.AWAIT) {
            awaitAll(running, deadline);
        }
        for (Operation<?> op : running) {
            if (!op.state().isFinished() && op.cancel()) {
                LOG.info("shutdown: cancelled job {} ({}), rolling back", op.id(), op.kind());
            }
        }
        awaitAll(running, deadline);
        sse.closeAll();
        app.stop();
    }

    private static void awaitAll(List<Operation<?>> ops, long deadline) {
        for (Operation<?> op : ops) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                op.result().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
                // finished badly or still running: either way move on
            }
        }
    }
}
