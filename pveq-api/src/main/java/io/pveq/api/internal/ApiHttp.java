package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.api.ApiConnectionException;
import io.pveq.api.ApiTlsException;
import io.pveq.api.CachePolicy;
import io.pveq.api.CertificateMismatchException;
import io.pveq.api.ProxmoxApiException;
import io.pveq.api.RetryPolicy;
import io.pveq.core.LockTimeoutException;
import io.pveq.core.PveqException;
import io.pveq.core.Secret;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link ApiCall}s: builds the URL and body, adds the credentials, reads {@code data} from the
 * answer, maps errors ({@link ErrorMapper}), retries as the {@link RetryPolicy} allows (reads on
 * connection failures and unspecific 5xx; writes only on a lock timeout or a connection that never
 * opened), re-logs in once on a 401 with a ticket, and serves and empties the read cache. Thread-safe.
 */
public final class ApiHttp {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHttp.class);
    private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Waits between attempts; replaced in tests. */
    public interface Sleeper {
        /** @param pause how long */
        void sleep(Duration pause) throws InterruptedException;
    }

    private final OkHttpClient client;
    private final HttpUrl base;
    private final RetryPolicy retry;
    private final ResponseCache cache;
    private final Clock clock;
    private final Sleeper sleeper;
    private volatile Auth auth;

    ApiHttp(OkHttpClient client, HttpUrl base, RetryPolicy retry, CachePolicy cache, Clock clock, Sleeper sleeper) {
        this.client = client;
        this.base = base;
        this.retry = retry;
        this.cache = new ResponseCache(cache, clock);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    void auth(Auth auth) {
        this.auth = auth;
    }

    /** @return the client's clock */
    public Clock clock() {
        return clock;
    }

    /** Empties the read cache. */
    public void invalidateCache() {
        cache.clear();
    }

    /**
     * Sends a call and returns the {@code data} of the answer.
     *
     * @param call the call
     * @return {@code data} (a JSON null for calls that return nothing)
     * @throws PveqException as mapped from the answer, or {@link ApiConnectionException}, {@link ApiTlsException}
     */
    public JsonNode call(ApiCall call) {
        return execute(call, true);
    }

    private JsonNode execute(ApiCall call, boolean authenticate) {
        HttpUrl url = url(call);
        String key = url.toString();
        if (call.read() && cache.caches(call.cacheKind())) {
            Optional<JsonNode> hit = cache.get(key);
            if (hit.isPresent()) {
                return hit.get();
            }
        }
        int attempt = 0;
        int lockAttempts = 0;
        boolean reauthenticated = false;
        while (true) {
            attempt++;
            long started = System.nanoTime();
            Request request = request(call, url, authenticate);
            try (Response response = client.newCall(request).execute()) {
                ResponseBody body = response.body();
                byte[] bytes = body == null ? new byte[0] : body.bytes();
                if (LOG.isDebugEnabled()) {
                    LOG.debug("{} {} {} -> {} in {} ms", call.method(), call.path(), call.params().forLog(),
                            response.code(), (System.nanoTime() - started) / 1_000_000);
                }
                if (!call.read()) {
                    cache.clear();
                }
                if (response.isSuccessful()) {
                    JsonNode data = parseAnswer(call, response.code(), bytes).path("data");
                    if (call.read() && cache.caches(call.cacheKind())) {
                        cache.put(call.cacheKind().get(), key, data);
                    }
                    return data;
                }
                if (response.code() == 401 && authenticate && !reauthenticated && auth.relogin()) {
                    reauthenticated = true; // a 401 means nothing was done: safe to send once more
                    attempt--;
                    continue;
                }
                PveqException failure = failure(call, response, new String(bytes, StandardCharsets.UTF_8));
                if (failure instanceof LockTimeoutException && ++lockAttempts < retry.lockTimeoutAttempts()) {
                    pause(lockAttempts, call);
                    continue;
                }
                if (call.read() && attempt < retry.maxAttempts() && transientServerError(response.code(), failure)) {
                    pause(attempt, call);
                    continue;
                }
                throw failure;
            } catch (SSLException e) {
                throw tlsFailure(e);
            } catch (IOException e) {
                boolean neverSent = neverSent(e);
                if ((call.read() || neverSent) && attempt < retry.maxAttempts()) {
                    LOG.debug("{} {} failed ({}); retrying", call.method(), call.path(), e.toString());
                    pause(attempt, call);
                    continue;
                }
                boolean mayHaveApplied = !call.read() && !neverSent;
                throw new ApiConnectionException(call.method() + " " + call.path() + " got no answer from "
                        + base.host() + ":" + base.port() + " after " + attempt + " attempt(s): " + e
                        + (mayHaveApplied ? " (the request may have been carried out)" : ""), mayHaveApplied, e);
            }
        }
    }

    private Request request(ApiCall call, HttpUrl url, boolean authenticate) {
        Request.Builder builder = new Request.Builder().url(url).header("Accept", "application/json");
        RequestBody body = null;
        if (call.multipart().isPresent()) {
            body = call.multipart().get().get();
        } else if (!call.read() && !call.method().equals("DELETE")) {
            body = RequestBody.create(call.params().encoded(), FORM);
        }
        builder.method(call.method(), body);
        if (authenticate) {
            auth.apply(builder, !call.read());
        }
        return builder.build();
    }

    private HttpUrl url(ApiCall call) {
        HttpUrl.Builder url = base.newBuilder().addPathSegment("api2").addPathSegment("json");
        for (String segment : call.segments()) {
            url.addPathSegment(segment);
        }
        if ((call.read() || call.method().equals("DELETE")) && !call.params().isEmpty()) {
            url.encodedQuery(call.params().encoded());
        }
        return url.build();
    }

    private PveqException failure(ApiCall call, Response response, String text) {
        JsonNode json = parse(text);
        String reason = Json.optionalText(json, "message").map(String::strip).orElse(response.message());
        if (reason.isEmpty()) {
            reason = "(no reason given)";
        }
        Map<String, String> errors = new LinkedHashMap<>();
        json.path("errors").fields().forEachRemaining(e -> errors.put(e.getKey(), e.getValue().asText().strip()));
        return ErrorMapper.map(call.method(), call.path(), response.code(), reason, errors,
                auth == null ? "?" : auth.who(), call.context());
    }

    private static boolean transientServerError(int status, PveqException failure) {
        return status >= 500 && status != 501
                && (failure instanceof LockTimeoutException || failure.getClass() == ProxmoxApiException.class);
    }

    /** A failure before any byte of the request could have reached the server. */
    private static boolean neverSent(IOException e) {
        return e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException
                || e instanceof SocketTimeoutException && String.valueOf(e.getMessage()).contains("connect timed out");
    }

    private PveqException tlsFailure(SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsSetup.PinMismatch pin) {
                return new CertificateMismatchException(pin.host, pin.expected, pin.seen);
            }
        }
        return new ApiTlsException(base.host(), "TLS handshake with " + base.host() + ":" + base.port()
                + " failed: " + e.getMessage(), e);
    }

    private void pause(int retryNumber, ApiCall call) {
        Duration pause = retry.backoff(retryNumber);
        try {
            sleeper.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PveqException("interrupted while waiting to retry " + call.method() + " " + call.path(), e);
        }
    }

    private static JsonNode parseAnswer(ApiCall call, int status, byte[] bytes) {
        try {
            JsonNode json = MAPPER.readTree(bytes);
            if (json == null || !json.isObject()) {
                throw new IOException("not a JSON object");
            }
            return json;
        } catch (IOException e) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            throw new ProxmoxApiException(call.method(), call.path(), status, "the answer is not Proxmox's JSON ("
                    + e.getMessage() + "): " + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
        }
    }

    private static JsonNode parse(String text) {
        if (text.isBlank()) {
            return MAPPER.nullNode();
        }
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            return MAPPER.nullNode();
        }
    }

    /**
     * {@code POST /access/ticket}, sent without credentials.
     *
     * @return the ticket
     */
    TicketAuth.Ticket login(String username, Secret password, Optional<String> otp) {
        FormParams params = FormParams.empty().put("username", username).put("password", password.reveal());
        otp.ifPresent(o -> params.put("otp", o));
        JsonNode data;
        try {
            data = execute(new ApiCall("POST", java.util.List.of("access", "ticket"), params, Optional.empty(),
                    Optional.empty()), false);
        } catch (io.pveq.api.AuthenticationException e) {
            throw new io.pveq.api.AuthenticationException("POST", "/access/ticket", username, e.reason());
        }
        String ticket = Json.text(data, "ticket", "");
        String csrf = Json.text(data, "CSRFPreventionToken", "");
        if (ticket.isEmpty() || csrf.isEmpty()) {
            throw new io.pveq.api.AuthenticationException("POST", "/access/ticket", username,
                    "no ticket in the answer (a second factor may be required)");
        }
        return new TicketAuth.Ticket(ticket, csrf, Json.text(data, "username", username), clock.instant());
    }

    /** @return the base URL, e.g. {@code https://pve1:8006/} */
    public HttpUrl base() {
        return base;
    }
}
