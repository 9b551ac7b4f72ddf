package io.pveq.sim.internal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimApiExchange;
import io.pveq.sim.SimApiObserver;
import io.pveq.sim.SimFault;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.params.ParamException;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.AccessState;
import io.pveq.sim.internal.state.NodeState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "/api2/json";
    private static final int MAX_BODY = 16 << 20;
    private static final Pattern COOKIE = Pattern.compile("(?:^|[;\\s])PVEAuthCookie=([^;\\s]*)");
    private static final Pattern TOKEN = Pattern.compile("(?:^|\\s)PVEAPIToken[= ](\\S+)");
    private static final Set<String> OPEN = Set.of("GET /access/ticket", "POST /access/ticket", "GET /access/domains",
            "POST /access/vncticket");
    private static final Pattern UPLOAD = Pattern.compile("/nodes/([^/]+)/storage/([^/]+)/upload");

    private final ApiContext context;
    private final Router router;
    private final SimApi.Options options;
    private final List<SimApiObserver> observers;

    RequestPipeline(ApiContext context, Router router, SimApi.Options options, Optional<SimApiObserver> hook) {
        this.context = context;
        this.router = router;
        this.options = options;
        List<SimApiObserver> all = new ArrayList<>();
        options.observer().ifPresent(all::add);
        hook.ifPresent(all::add);
        this.observers = List.copyOf(all);
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

    /** The answer's data and extra top-level keys ({@code total}). */
    record Paged(Object data, long total) {
    }

    /** An answer's data already rendered as JSON (a cached large answer such as {@code /cluster/resources}). */
    record RawJson(byte[] json) {
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
            response = error(e);
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
        return dropAfter ? TlsHttpServer.Response.drop() : compressed(request, response);
    }

    /** pveproxy gzips a body over 1 KiB for a client that accepts it (python-requests does by default). */
    private static TlsHttpServer.Response compressed(TlsHttpServer.Request request, TlsHttpServer.Response response) {
        String accept = request.header("accept-encoding");
        if (response.body.length <= 1024 || accept == null || !accept.toLowerCase(Locale.ROOT).contains("gzip")) {
            return response;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(response.body.length / 4);
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out, 8192) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(response.body);
        } catch (IOException e) {
            return response;
        }
        TlsHttpServer.Response zipped = new TlsHttpServer.Response(response.status, response.reason, out.toByteArray());
        response.headers.forEach(zipped::header);
        return zipped.header("Content-Encoding", "gzip");
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
        Authenticated auth = authenticate(request, method, path);
        trace.authid = auth.authid;
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
                raw = bodyParams(request);
            }
        } catch (IOException e) {
            throw ApiException.parameter("body", "unable to parse request body - " + e.getMessage());
        }
        for (Map.Entry<String, List<String>> query : queryParams(request.query()).entrySet()) {
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
        if (auth.token && !facts.allowToken()) {
            throw ApiException.permission("URI '" + path + "' not available with API token, need proper ticket.");
        }
        if (auth.authid != null) {
            context.engine().store().read(state -> {
                PermissionCheck.require(context.access(), state.access, facts.permissions(), auth.authid, params);
                return null;
            });
        }
        facts.proxyTo().ifPresent(variable -> proxy(params.get(variable)));
        Optional<SimFault> fault = context.engine().faults().matchApi(context.node(), method, endpoint.template(),
                params.get("vmid"));
        boolean fromCli = false;
        if (fault.isEmpty() && endpoint.cli().isPresent()) {
            ApiCall probe = new ApiCall(context, endpoint, params, arrays, auth.authid, auth.token, upload,
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
        ApiCall call = new ApiCall(context, endpoint, params, arrays, auth.authid, auth.token, upload, taskFault);
        Object data;
        try {
            data = endpoint.handler().handle(call);
        } catch (Failure failure) {
            throw ApiException.failure(failure.getMessage().strip());
        } catch (ParamException e) {
            throw ApiException.failure(e.stderr().strip());
        }
        return new Outcome(ok(data), upload, dropAfter);
    }

    private record Authenticated(String authid, boolean token) {
    }

    private Authenticated authenticate(TlsHttpServer.Request request, String method, String path) {
        if (OPEN.contains(method + " " + path)) {
            return new Authenticated(null, false);
        }
        String ticket = firstGroup(COOKIE, request.header("cookie"));
        if (ticket == null) {
            ticket = firstGroup(COOKIE, request.header("authorization"));
        }
        String apiToken = ticket == null ? firstGroup(TOKEN, request.header("authorization")) : null;
        long now = context.engine().time().nowMillis() / 1000;
        if (apiToken != null) {
            String tokenid = verifyToken(URLDecoder.decode(apiToken.replace("+", "%2B"), StandardCharsets.UTF_8), now);
            if (tokenid == null) {
                throw unauthorized("Authentication failed!");
            }
            return new Authenticated(tokenid, true);
        }
        if (ticket == null || ticket.isEmpty()) {
            throw unauthorized("No ticket");
        }
        String decoded = URLDecoder.decode(ticket.replace("+", "%2B"), StandardCharsets.UTF_8);
        Optional<String> userid = context.engine().store().read(state -> tickets(state.access).verify(decoded, now)
                .map(Tickets.Verified::userid)
                .filter(id -> Optional.ofNullable(state.access.users.get(id)).map(u -> u.enabled).orElse(false)));
        if (userid.isEmpty()) {
            throw unauthorized("Authentication failed!");
        }
        Matcher upload = UPLOAD.matcher(path);
        boolean isUpload = method.equals("POST") && upload.matches();
        if (isUpload) {
            String storage = upload.group(2);
            context.engine().store().read(state -> {
                context.access().check(state.access, userid.get(), "/storage/" + storage,
                        List.of("Datastore.AllocateTemplate"), false);
                return null;
            });
        }
        if (!method.equals("GET") && !isUpload) {
            String csrf = request.header("csrfpreventiontoken");
            boolean valid = context.engine().store().read(state -> tickets(state.access).verifyCsrf(userid.get(), csrf, now));
            if (!valid) {
                throw unauthorized("Permission denied - invalid csrf token");
            }
        }
        return new Authenticated(userid.get(), false);
    }

    /** @return the token id when the {@code USER@REALM!TOKENID=SECRET} value is valid, else null */
    private String verifyToken(String value, long nowSeconds) {
        int eq = value.lastIndexOf('=');
        int bang = value.indexOf('!');
        if (eq < 0 || bang < 0 || bang > eq) {
            return null;
        }
        String tokenid = value.substring(0, eq);
        String secret = value.substring(eq + 1);
        String userid = tokenid.substring(0, bang);
        String name = tokenid.substring(bang + 1);
        boolean valid = context.engine().store().read(state -> {
            AccessState.User user = state.access.users.get(userid);
            AccessState.Token token = user == null ? null : user.tokens.get(name);
            return user != null && user.enabled && token != null && (token.expire == 0 || token.expire >= nowSeconds)
                    && Access.matches(token.secretHash, secret);
        });
        return valid ? tokenid : null;
    }

    static Tickets tickets(AccessState access) {
        return new Tickets(access.ticketKey);
    }

    private static ApiException unauthorized(String message) {
        return ApiException.unauthorized(message);
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

    private static Map<String, List<String>> bodyParams(TlsHttpServer.Request request) throws IOException {
        byte[] body = readBody(request.body());
        if (body.length == 0) {
            return new LinkedHashMap<>();
        }
        String type = Optional.ofNullable(request.header("content-type")).orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json")) {
            JsonNode node = JSON.readTree(body);
            Map<String, List<String>> out = new LinkedHashMap<>();
            if (node == null || !node.isObject()) {
                throw new IOException("JSON body is not an object");
            }
            node.fields().forEachRemaining(e -> {
                JsonNode value = e.getValue();
                if (value.isNull()) {
                    return;
                }
                if (value.isArray()) {
                    List<String> items = new ArrayList<>();
                    value.forEach(item -> items.add(text(item)));
                    out.put(e.getKey(), items);
                } else {
                    out.put(e.getKey(), List.of(text(value)));
                }
            });
            return out;
        }
        return queryParams(new String(body, StandardCharsets.UTF_8));
    }

    private static String text(JsonNode value) {
        if (value.isBoolean()) {
            return value.asBoolean() ? "1" : "0";
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        return value.toString();
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new IOException("request body larger than " + MAX_BODY + " bytes");
        }
        return body;
    }

    /** Form or query decoding: {@code +} is a space, {@code %XX} a byte; repeated names collect. */
    static Map<String, List<String>> queryParams(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String firstGroup(Pattern pattern, String text) {
        if (text == null) {
            return null;
        }
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static TlsHttpServer.Response ok(Object data) {
        if (data instanceof RawJson raw) {
            byte[] prefix = "{\"data\":".getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[prefix.length + raw.json().length + 1];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(raw.json(), 0, body, prefix.length, raw.json().length);
            body[body.length - 1] = '}';
            return headers(new TlsHttpServer.Response(200, "OK", body));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (data instanceof Paged paged) {
            body.put("data", paged.data());
            body.put("total", paged.total());
        } else {
            body.put("data", data);
        }
        return json(200, "OK", body);
    }

    private static TlsHttpServer.Response error(ApiException e) {
        if (e.bare()) {
            return new TlsHttpServer.Response(e.status(), e.getMessage(), null).header("Connection", "close");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        if (!e.errors().isEmpty()) {
            body.put("errors", e.errors());
        }
        body.put("message", e.getMessage());
        return json(e.status(), e.getMessage(), body).header("Connection", "close");
    }

    private static TlsHttpServer.Response json(int status, String reason, Map<String, Object> body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an answer: " + e.getMessage(), e);
        }
        return headers(new TlsHttpServer.Response(status, reason, bytes));
    }

    private static TlsHttpServer.Response headers(TlsHttpServer.Response response) {
        return response
                .header("Content-Type", "application/json;charset=UTF-8")
                .header("Cache-Control", "max-age=0")
                .header("Pragma", "no-cache")
                .header("Server", "pve-api-daemon/3.0");
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
        } catch (RuntimeException | AssertionError e) {
            LOG.error("pveq-sim API observer rejected {} {}: {}", request.method(), trace.path, e.getMessage());
            return error(ApiException.failure("pveq-sim observer: " + e.getMessage()));
        }
    }
}
