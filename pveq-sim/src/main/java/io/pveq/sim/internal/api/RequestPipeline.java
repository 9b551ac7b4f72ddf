package io.pveq.sim.internal.api;

import io.pveq.sim.SimApi;
import io.pveq.sim.SimApiExchange;
import io.pveq.sim.SimApiObserver;
import io.pveq.sim.SimFault;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.params.ParamException;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.NodeState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP request in the order {@code pveproxy} does: authentication (ticket cookie with
 * CSRF token on writes, or API token; 401 held back), the handler lookup (501 for what is not
 * served), token admissibility and the schema's permission check (403), proxying to the target node
 * (595 when it is down), injected faults, parameter verification (400 with {@code errors}), the
 * handler, and the JSON answer ({@code {"data": ...}}; errors in the status line and
 * {@code message}; the connection closed after an error). Every exchange is shown to the observer.
 */
final class RequestPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);
    private static final String BASE = "/api2/json";

    private final ApiContext context;
    private final Router router;
    private final SimApi.Options options;
    private final List<SimApiObserver> observers;
    private final Authentication authentication;

    RequestPipeline(ApiContext context, Router router, SimApi.Options options, Optional<SimApiObserver> hook) {
        this.context = context;
        this.router = router;
        this.options = options;
        List<SimApiObserver> all = new ArrayList<>();
        options.observer().ifPresent(all::add);
        hook.ifPresent(all::add);
        this.observers = List.copyOf(all);
        this.authentication = new Authentication(context);
    }

    /** What was learnt about a request on its way, for the observer. */
    private static final class Trace {
        String path = "";
        Optional<String> template = Optional.empty();
        Map<String, String> params = Map.of();
        Map<String, List<String>> arrays = Map.of();
        boolean verified;
        String authid = "";
    }

    TlsHttpServer.Response handle(TlsHttpServer.Request request) {
        Engine engine = context.engine();
        boolean servingOnline = engine.store().read(state -> state.node(context.node()).map(n -> n.online).orElse(false));
        if (!servingOnline) {
            return TlsHttpServer.Response.drop();
        }
        Trace trace = new Trace();
        Optional<Multipart.FilePart> upload = Optional.empty();
        TlsHttpServer.Response response;
        boolean dropAfter = false;
        try {
            Outcome outcome = process(request, trace);
            upload = outcome.upload;
            dropAfter = outcome.dropAfter;
            response = outcome.response;
        } catch (ApiException e) {
            if (e.status() == 401) {
                // Proxmox holds back every 401 (a brute-force brake)
                pause(options.authFailureDelay());
            }
            response = Answers.error(e);
        } finally {
            upload.ifPresent(file -> {
                try {
                    Files.deleteIfExists(file.file());
                } catch (IOException e) {
                    // a staging file only
                }
            });
        }
        if (response.drop) {
            return response;
        }
        response = observe(request, trace, response);
        LOG.debug("{} {} -> {} {}", request.method(), trace.path, response.status, response.reason);
        return dropAfter ? TlsHttpServer.Response.drop() : Answers.compressed(request, response);
    }

    private record Outcome(TlsHttpServer.Response response, Optional<Multipart.FilePart> upload, boolean dropAfter) {
    }

    private Outcome process(TlsHttpServer.Request request, Trace trace) {
        String method = request.method();
        String full = request.path();
        if (!full.equals(BASE) && !full.startsWith(BASE + "/")) {
            throw ApiException.notImplemented(full.startsWith("/api2/") ? "no formatter for uri " + full : "no such uri");
        }
        String path = full.substring(BASE.length()).replaceAll("/+", "/");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            path = "/";
        }
        trace.path = path;
        Authentication.Authenticated auth = authentication.authenticate(request, method, path);
        trace.authid = auth.authid();
        Optional<Router.Match> match = router.match(method, path);
        if (match.isEmpty()) {
            throw ApiException.notImplemented(notImplemented(method, path));
        }
        Endpoint endpoint = match.get().endpoint();
        trace.template = Optional.of(endpoint.template());
        Optional<Multipart.FilePart> upload = Optional.empty();
        Map<String, List<String>> raw;
        try {
            Optional<String> boundary = Multipart.boundary(request.header("content-type"));
            if (boundary.isPresent() && method.equals("POST")) {
                Multipart.Parsed parsed = Multipart.parse(request.body(), boundary.get(), context.tempDir());
                raw = new LinkedHashMap<>(parsed.fields());
                upload = parsed.file();
                upload.ifPresent(f -> raw.put(f.field(), List.of(f.filename())));
            } else {
                raw = RequestForms.bodyParams(request);
            }
        } catch (IOException e) {
            throw ApiException.parameter("body", "unable to parse request body - " + e.getMessage());
        }
        for (Map.Entry<String, List<String>> query : RequestForms.queryParams(request.query()).entrySet()) {
            raw.merge(query.getKey(), query.getValue(), (a, b) -> {
                List<String> both = new ArrayList<>(a);
                both.addAll(b);
                return both;
            });
        }
        raw.remove("_dc");
        Map<String, String> variables = match.get().variables();
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            List<String> given = raw.get(variable.getKey());
            if (given != null && !given.get(given.size() - 1).equals(variable.getValue())) {
                throw ApiException.parameter(variable.getKey(),
                        "duplicate parameter (already defined in URI) with conflicting values!");
            }
            raw.put(variable.getKey(), List.of(variable.getValue()));
        }
        Map<String, String> params = new LinkedHashMap<>();
        Map<String, List<String>> arrays = new LinkedHashMap<>();
        raw.forEach((name, values) -> {
            if (endpoint.arrays().contains(name)) {
                arrays.put(name, List.copyOf(values));
                params.put(name, String.join(" ", values));
            } else {
                params.put(name, values.get(values.size() - 1));
            }
        });
        ApiFacts.Endpoint facts = context.facts().endpoint(method, endpoint.template())
                .orElseThrow(() -> new IllegalStateException("no schema facts for served " + endpoint.key()));
        if (auth.token() && !facts.allowToken()) {
            throw ApiException.permission("URI '" + path + "' not available with API token, need proper ticket.");
        }
        if (auth.authid() != null) {
            context.engine().store().read(state -> {
                PermissionCheck.require(context.access(), state.access, facts.permissions(), auth.authid(), params);
                return null;
            });
        }
        facts.proxyTo().ifPresent(variable -> proxy(params.get(variable)));
        Optional<SimFault> fault = context.engine().faults().matchApi(context.node(), method, endpoint.template(),
                params.get("vmid"));
        boolean fromCli = false;
        if (fault.isEmpty() && endpoint.cli().isPresent()) {
            ApiCall probe = new ApiCall(context, endpoint, params, arrays, auth.authid(), auth.token(), upload,
                    Optional.empty());
            fault = context.engine().faults().match(probe.workNode(), probe.cliArgv());
            fromCli = fault.isPresent();
        }
        Optional<SimFault> taskFault = Optional.empty();
        boolean dropAfter = false;
        if (fault.isPresent()) {
            SimFault f = fault.get();
            if (f instanceof SimFault.ConnectionDrop drop) {
                if (!drop.afterEffect()) {
                    return new Outcome(TlsHttpServer.Response.drop(), upload, false);
                }
                dropAfter = true;
            } else if (endpoint.task() && fromCli) {
                taskFault = fault;
            } else if (f instanceof SimFault.Delay delay) {
                pause(delay.nominal());
            } else if (f instanceof SimFault.Fail fail) {
                throw ApiException.failure(fail.stderr());
            } else if (f instanceof SimFault.LockTimeout) {
                pause(Engine.LOCK_TIMEOUT);
                throw ApiException.failure("can't lock file '/var/lock/qemu-server/lock-" + params.getOrDefault("vmid", "0")
                        + ".conf' - got timeout");
            }
        }
        verify(endpoint, facts, params);
        trace.params = params;
        trace.arrays = arrays;
        trace.verified = true;
        ApiCall call = new ApiCall(context, endpoint, params, arrays, auth.authid(), auth.token(), upload, taskFault);
        Object data;
        try {
            // status and resources follow real guests' processes (a guest that powered off is stopped)
            context.engine().followRealGuests();
            data = endpoint.handler().handle(call);
        } catch (Failure failure) {
            throw ApiException.failure(failure.getMessage().strip());
        } catch (ParamException e) {
            throw ApiException.failure(e.stderr().strip());
        }
        if (data instanceof TermProxy.WebSocketAnswer websocket) {
            return new Outcome(websocket.answer(request), upload, dropAfter);
        }
        return new Outcome(Answers.ok(data), upload, dropAfter);
    }

    /** Waits a nominal duration on the simulated clock (scaled; virtual time advances instead). */
    private void pause(Duration nominal) {
        context.engine().time().pause(context.engine().time().scaled(nominal));
    }

    private void proxy(String target) {
        if (target == null || target.equals(context.node()) || target.equals("localhost")) {
            return;
        }
        Optional<NodeState> node = context.engine().store().read(state -> state.node(target).map(n -> n));
        if (node.isEmpty()) {
            throw ApiException.failure("hostname lookup '" + target + "' failed - failed to get address info for: "
                    + target + ": Name or service not known");
        }
        boolean online = context.engine().store().read(state -> state.node(target).map(n -> n.online).orElse(false));
        if (!online) {
            throw ApiException.unreachable("No route to host");
        }
    }

    private String notImplemented(String method, String path) {
        String base = "Method '" + method + " " + path + "' not implemented";
        Optional<String> template = context.facts().templateOf(path);
        if (template.isPresent() && context.facts().paths().get(template.get()).contains(method)) {
            return base + " by pveq-sim (" + method + " " + template.get() + " exists in Proxmox VE "
                    + context.release().major() + " but is not simulated)";
        }
        return base;
    }

    /** Parameter verification: unknown, invalid and missing parameters. */
    private void verify(Endpoint endpoint, ApiFacts.Endpoint facts, Map<String, String> params) {
        Map<String, String> errors = new TreeMap<>();
        List<String> unsimulated = new ArrayList<>();
        Map<String, Rule> rules = endpoint.rules();
        for (String name : params.keySet()) {
            if (rules.containsKey(name)) {
                continue;
            }
            if (facts.parameter(name).isPresent()) {
                unsimulated.add(name);
            } else {
                errors.put(name, "property is not defined in schema and the schema does not allow additional properties");
            }
        }
        Map<String, String> checked = new LinkedHashMap<>();
        params.forEach((name, value) -> {
            if (rules.containsKey(name)) {
                checked.put(name, value);
            }
        });
        errors.putAll(io.pveq.sim.internal.params.ArgParser.check(rules, checked));
        params.putAll(checked);
        for (String required : facts.required()) {
            if (!params.containsKey(required) && !required.endsWith("[n]")) {
                errors.put(required, "property is missing and it is not optional");
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.parameters(errors);
        }
        if (!unsimulated.isEmpty()) {
            throw ApiException.notImplemented("pveq-sim does not simulate parameter" + (unsimulated.size() > 1 ? "s " : " ")
                    + String.join(", ", unsimulated) + " of " + endpoint.key());
        }
    }

    private TlsHttpServer.Response observe(TlsHttpServer.Request request, Trace trace, TlsHttpServer.Response response) {
        if (observers.isEmpty()) {
            return response;
        }
        SimApiExchange exchange = new SimApiExchange(context.release(), request.method(), trace.path, trace.template,
                new TreeMap<>(trace.params), trace.arrays, trace.verified, trace.authid == null ? "" : trace.authid,
                response.status, TlsHttpServer.reason(response.reason), new String(response.body, StandardCharsets.UTF_8));
        try {
            for (SimApiObserver observer : observers) {
                observer.exchanged(exchange);
            }
            return response;
        } catch (RuntimeException | AssertionError | LinkageError e) {
            // a linkage error is an observer missing its classes (a test-jar not on the class path): say which
            String message = e instanceof LinkageError ? e + " (a test needs pveq-core's and pveq-sim's test-jars)"
                    : e.getMessage();
            LOG.error("pveq-sim API observer rejected {} {}: {}", request.method(), trace.path, message);
            return Answers.error(ApiException.failure("pveq-sim observer: " + message));
        }
    }
}
