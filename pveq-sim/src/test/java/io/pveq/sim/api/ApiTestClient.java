package io.pveq.sim.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.sim.SimApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * A minimal HTTPS client for the simulator's own tests: trusts only the cluster CA, authenticates
 * with a token or a ticket (CSRF header on writes), and shows the reason phrase (which Proxmox's
 * errors travel in). Not the project's API client: that is pveq-api.
 */
final class ApiTestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer. */
    record Reply(int status, String reason, String body) {
        JsonNode json() {
            try {
                return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        JsonNode data() {
            return json().path("data");
        }
    }

    private final SimApi api;
    private final SSLContext tls;
    private String token;
    private String ticket;
    private String csrf;

    ApiTestClient(SimApi api) {
        this.api = api;
        this.tls = trusting(api);
    }

    static SSLContext trusting(SimApi api) {
        return api.trustingSslContext();
    }

    ApiTestClient token(String value) {
        this.token = value;
        this.ticket = null;
        return this;
    }

    ApiTestClient ticket(String ticketValue, String csrfToken) {
        this.ticket = ticketValue;
        this.csrf = csrfToken;
        this.token = null;
        return this;
    }

    /** Logs in with a password; the ticket and CSRF token are used from then on. */
    Reply login(String username, String password) {
        Reply reply = send("POST", "/access/ticket", Map.of("username", username, "password", password));
        if (reply.status() == 200) {
            ticket(reply.data().path("ticket").asText(), reply.data().path("CSRFPreventionToken").asText());
        }
        return reply;
    }

    Reply get(String path, Object... query) {
        return send("GET", path + queryString(query), Map.of());
    }

    Reply post(String path, Object... form) {
        return send("POST", path, map(form));
    }

    Reply put(String path, Object... form) {
        return send("PUT", path, map(form));
    }

    Reply delete(String path, Object... query) {
        return send("DELETE", path + queryString(query), Map.of());
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            out.put(String.valueOf(pairs[i]), pairs[i + 1]);
        }
        return out;
    }

    private static String queryString(Object... pairs) {
        if (pairs.length == 0) {
            return "";
        }
        return "?" + encode(map(pairs));
    }

    static String encode(Map<String, ?> form) {
        StringJoiner out = new StringJoiner("&");
        form.forEach((k, v) -> {
            if (v instanceof List<?> list) {
                list.forEach(item -> out.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(item), StandardCharsets.UTF_8)));
            } else {
                out.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
            }
        });
        return out.toString();
    }

    Reply send(String method, String path, Map<String, ?> form) {
        byte[] body = method.equals("POST") || method.equals("PUT") ? encode(form).getBytes(StandardCharsets.UTF_8)
                : null;
        return raw(method, path, body, "application/x-www-form-urlencoded", Map.of());
    }

    Reply raw(String method, String path, byte[] body, String contentType, Map<String, String> headers) {
        try {
            HttpsURLConnection connection = (HttpsURLConnection) new URL(api.url() + "/api2/json" + path)
                    .openConnection();
            connection.setSSLSocketFactory(tls.getSocketFactory());
            connection.setRequestMethod(method);
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(120_000);
            if (token != null) {
                connection.setRequestProperty("Authorization", "PVEAPIToken=" + token);
            }
            if (ticket != null) {
                connection.setRequestProperty("Cookie", "PVEAuthCookie=" + ticket);
                if (!method.equals("GET") && csrf != null) {
                    connection.setRequestProperty("CSRFPreventionToken", csrf);
                }
            }
            headers.forEach(connection::setRequestProperty);
            if (body != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", contentType);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            String reason = connection.getResponseMessage();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Reply(status, reason == null ? "" : reason, text);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
        }
    }

    /** Polls a task until it stopped (bounded); @return its exit status */
    String await(String upid) {
        String node = upid.split(":")[1];
        for (int i = 0; i < 2000; i++) {
            Reply status = get("/nodes/" + node + "/tasks/" + upid + "/status");
            if (status.status() == 200 && status.data().path("status").asText().equals("stopped")) {
                return status.data().path("exitstatus").asText();
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("task did not stop: " + upid);
    }

    /** @return the task's log lines */
    List<String> log(String upid) {
        String node = upid.split(":")[1];
        Reply log = get("/nodes/" + node + "/tasks/" + upid + "/log", "limit", 1000);
        List<String> lines = new java.util.ArrayList<>();
        log.data().forEach(line -> lines.add(line.path("t").asText()));
        return lines;
    }
}
