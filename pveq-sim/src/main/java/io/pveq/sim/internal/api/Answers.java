package io.pveq.sim.internal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Answers as pveproxy's JSON formatter writes them: {@code {"data": ...}} (with {@code total} where
 * a handler counted), errors as {@code {"data":null,"message":...}} plus {@code errors} for
 * parameters, the message also in the status line, the connection closed after an error, bodies
 * over 1 KiB gzipped for clients that accept it.
 */
final class Answers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    /** The answer's data and extra top-level keys ({@code total}). */
    record Paged(Object data, long total) {
    }

    /** An answer's data already rendered as JSON (a cached large answer such as {@code /cluster/resources}). */
    record RawJson(byte[] json) {
    }

    /** pveproxy gzips a body over 1 KiB for a client that accepts it (python-requests does by default). */
    static TlsHttpServer.Response compressed(TlsHttpServer.Request request, TlsHttpServer.Response response) {
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

    static TlsHttpServer.Response ok(Object data) {
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

    static TlsHttpServer.Response error(ApiException e) {
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

    static TlsHttpServer.Response json(int status, String reason, Map<String, Object> body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an answer: " + e.getMessage(), e);
        }
        return headers(new TlsHttpServer.Response(status, reason, bytes));
    }

    static TlsHttpServer.Response headers(TlsHttpServer.Response response) {
        return response
                .header("Content-Type", "application/json;charset=UTF-8")
                .header("Cache-Control", "max-age=0")
                .header("Pragma", "no-cache")
                .header("Server", "pve-api-daemon/3.0");
    }
}
