package io.pveq.api;

import io.pveq.core.testing.PveSchema;
import io.pveq.core.testing.SchemaViolation;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.Interceptor;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

/**
 * An OkHttp interceptor that every test client of pveq-api sends through: each request (method, path,
 * parameter names, types, enums, property-string keys; query, form or multipart) is validated against
 * {@code apidata.js} of the given PVE releases before it leaves. A violation fails the request with an
 * {@link AssertionError} naming the parameter, so no test can pass while the client sends something
 * Proxmox would refuse. Counts what it checked, so tests can show it ran.
 */
public final class SchemaCheck implements Interceptor {

    private static final Pattern DISPOSITION_NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern DISPOSITION_FILE = Pattern.compile("filename=\"([^\"]*)\"");
    private static final AtomicLong CHECKED = new AtomicLong();
    private static final ThreadLocal<String> EXPECTED = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> EXPECTED_SEEN = new ThreadLocal<>();

    private final List<PveSchema> schemas;

    private SchemaCheck(List<PveSchema> schemas) {
        this.schemas = List.copyOf(schemas);
    }

    /**
     * @param versions {@code pve8}, {@code pve9} (skips the test when the reference data is absent)
     * @return the check
     */
    public static SchemaCheck of(String... versions) {
        List<PveSchema> schemas = new ArrayList<>();
        for (String version : versions) {
            schemas.add(PveSchema.load(version));
        }
        return new SchemaCheck(schemas);
    }

    /**
     * @return a check against both releases pveq supports, or, in a clone without the reference data, one that
     *         checks nothing (the engine suites run anyway; only the schema check is left out)
     */
    public static SchemaCheck bothIfAvailable() {
        List<PveSchema> schemas = new ArrayList<>();
        for (String version : List.of("pve8", "pve9")) {
            if (PveSchema.available(version)) {
                schemas.add(PveSchema.load(version));
            }
        }
        return new SchemaCheck(schemas);
    }

    /** @return a check against both releases pveq supports */
    public static SchemaCheck both() {
        return of("pve8", "pve9");
    }

    /** @return an OkHttp client that checks every request this way (give it to {@code ProxmoxApi.Builder#httpClient}) */
    public OkHttpClient client() {
        return new OkHttpClient.Builder().addInterceptor(this).build();
    }

    /**
     * Runs {@code action}, which must send exactly such a request that breaks the schema in
     * {@code parameter} only (to see how the server answers a bad request); any other violation still fails.
     *
     * @param parameter the parameter the deliberate request gets wrong
     * @param action    sends it
     * @param <T>       what the action returns
     * @return what the action returned
     */
    public static <T> T expectingViolation(String parameter, java.util.function.Supplier<T> action) {
        EXPECTED.set(parameter);
        EXPECTED_SEEN.set(false);
        try {
            return action.get();
        } finally {
            boolean seen = Boolean.TRUE.equals(EXPECTED_SEEN.get());
            EXPECTED.remove();
            EXPECTED_SEEN.remove();
            if (!seen) {
                throw new AssertionError("expected a request breaking the schema in " + parameter + "; none was sent");
            }
        }
    }

    /** @return requests checked so far in this JVM */
    public static long checked() {
        return CHECKED.get();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        List<String> violations = violations(request);
        String expected = EXPECTED.get();
        if (!violations.isEmpty() && expected != null
                && violations.stream().allMatch(v -> v.contains(" " + expected + ":") || v.contains(" " + expected + "."))) {
            EXPECTED_SEEN.set(true);
            CHECKED.incrementAndGet();
            return chain.proceed(request);
        }
        if (!violations.isEmpty()) {
            throw new AssertionError("request breaks the Proxmox API schema: " + request.method() + " "
                    + request.url().encodedPath() + " -> " + violations);
        }
        CHECKED.incrementAndGet();
        return chain.proceed(request);
    }

    /** @return the violations of {@code request} against every schema, empty when it is valid everywhere */
    public List<String> violations(Request request) throws IOException {
        List<String> segments = request.url().pathSegments();
        if (segments.size() < 2 || !segments.get(0).equals("api2") || !segments.get(1).equals("json")) {
            return List.of("not an /api2/json path: " + request.url().encodedPath());
        }
        // a segment's own slashes (a UPID naming a volume, local\x3aimport/x.qcow2) stay inside that segment
        String path = "/" + String.join("/", segments.subList(2, segments.size()).stream()
                .map(segment -> segment.replace("/", "%2F")).toList());
        Map<String, String> params = parameters(request);
        List<String> out = new ArrayList<>();
        for (PveSchema schema : schemas) {
            Optional<Map.Entry<String, Map<String, String>>> match = schema.matchPath(path);
            if (match.isEmpty()) {
                out.add(schema.version() + ": no path " + path);
                continue;
            }
            Map<String, String> all = new LinkedHashMap<>(match.get().getValue());
            params.forEach(all::put);
            for (SchemaViolation v : schema.validate(request.method(), match.get().getKey(), all)) {
                out.add(schema.version() + ": " + v);
            }
        }
        return out;
    }

    private static Map<String, String> parameters(Request request) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : request.url().queryParameterNames()) {
            params.put(name, String.join("\0", request.url().queryParameterValues(name)));
        }
        RequestBody body = request.body();
        if (body instanceof MultipartBody multipart) {
            for (MultipartBody.Part part : multipart.parts()) {
                String disposition = part.headers() == null ? "" : String.valueOf(part.headers().get("Content-Disposition"));
                Matcher name = DISPOSITION_NAME.matcher(disposition);
                Matcher file = DISPOSITION_FILE.matcher(disposition);
                if (!name.find()) {
                    continue;
                }
                if (file.find()) {
                    params.put(name.group(1), file.group(1));
                } else {
                    Buffer buffer = new Buffer();
                    part.body().writeTo(buffer);
                    params.put(name.group(1), buffer.readUtf8());
                }
            }
        } else if (body instanceof FormBody form) {
            for (int i = 0; i < form.size(); i++) {
                params.put(form.name(i), form.value(i));
            }
        } else if (body != null && body.contentLength() != 0) {
            Buffer buffer = new Buffer();
            body.writeTo(buffer);
            for (String pair : buffer.readUtf8().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.merge(name, value, (a, b) -> a + "\0" + b); // a repeated key: an array parameter
            }
        }
        return params;
    }
}
