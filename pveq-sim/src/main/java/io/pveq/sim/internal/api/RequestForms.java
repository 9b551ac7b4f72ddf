package io.pveq.sim.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request's parameters as pveproxy reads them: a form ({@code +} a space, {@code %XX} a byte) or
 * JSON body (booleans as 1/0, arrays as repeated values) and the query string; repeated names collect.
 */
final class RequestForms {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 16 << 20;

    private RequestForms() {
    }

    static Map<String, List<String>> bodyParams(TlsHttpServer.Request request) throws IOException {
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
}
