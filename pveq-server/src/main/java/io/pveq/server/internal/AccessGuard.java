package io.pveq.server.internal;

import io.pveq.server.AddressRanges;
import io.pveq.server.ServerConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call what: CORS for configured origins only, the bearer token on everything but
 * {@code /api/health}, and {@code ALLOW_IPS} on mutating (POST, DELETE) endpoints, judged on the real client
 * address (forwarded headers are believed only from {@code TRUSTED_PROXIES}). Thread-safe.
 */
public final class AccessGuard {

    /** Methods a browser may use cross-origin. */
    static final String ALLOW_METHODS = "GET, POST, DELETE, OPTIONS";
    /** Request headers a browser may send cross-origin. */
    static final String ALLOW_HEADERS = "Authorization, Content-Type, Last-Event-ID";
    /** Response headers a browser may read cross-origin. */
    static final String EXPOSE_HEADERS = "X-Job-Id, Content-Location, X-Request-Id";

    private final ServerConfig config;
    private final Set<String> origins;
    private final Optional<byte[]> tokenDigest;

    /** @param config the server configuration */
    public AccessGuard(ServerConfig config) {
        this.config = config;
        this.origins = Set.copyOf(config.corsOrigins());
        this.tokenDigest = config.apiToken().map(t -> sha256(t.reveal()));
    }

    /**
     * Applies CORS and answers preflights.
     *
     * @return true when the request was a preflight and has been answered
     * @throws HttpError 403 for a preflight from an origin that is not allowed
     */
    public boolean cors(HttpServletRequest req, HttpServletResponse res) {
        String origin = req.getHeader("Origin");
        boolean allowed = origin != null && origins.contains(origin);
        if (origin != null) {
            res.addHeader("Vary", "Origin");
        }
        boolean preflight = "OPTIONS".equals(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null;
        if (allowed) {
            res.setHeader("Access-Control-Allow-Origin", origin);
            res.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        }
        if (!preflight) {
            return false;
        }
        if (!allowed) {
            throw new HttpError(403, "forbidden", null, "origin not allowed");
        }
        res.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
        res.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
        res.setHeader("Access-Control-Max-Age", "600");
        res.setStatus(204);
        return true;
    }

    /**
     * Checks the token and the client address for one request.
     *
     * @param req         the request
     * @param path        its path
     * @param queryToken  the {@code access_token} query parameter, accepted on job event streams only
     *                    (a browser {@code EventSource} cannot send headers); may be null
     * @throws HttpError 401 without a valid token, 403 for a mutating call from an address not in {@code ALLOW_IPS}
     */
    public void authorize(HttpServletRequest req, String path, String queryToken) {
        if (path.equals("/api/health")) {
            return;
        }
        if (tokenDigest.isPresent()) {
            String presented = bearer(req.getHeader("Authorization"));
            if (presented == null && queryToken != null && "GET".equals(req.getMethod())
                    && path.matches("/api/jobs/[^/]+/events")) {
                presented = queryToken;
            }
            if (presented == null || !MessageDigest.isEqual(tokenDigest.get(), sha256(presented))) {
                throw new HttpError(401, "unauthorized", null, "a valid bearer token is required");
            }
        }
        if (("POST".equals(req.getMethod()) || "DELETE".equals(req.getMethod()))
                && !config.allowIps().contains(clientAddress(req))) {
            throw new HttpError(403, "forbidden", null, "this client address may not call mutating endpoints");
        }
    }

    /**
     * The client's address: the TCP peer, or, when the peer is a trusted proxy, the nearest address
     * in {@code Forwarded} (preferred) or {@code X-Forwarded-For} that is not itself a trusted proxy.
     *
     * @param req the request
     * @return the address
     */
    public InetAddress clientAddress(HttpServletRequest req) {
        InetAddress peer = AddressRanges.literal(req.getRemoteAddr()).orElseThrow(
                () -> new HttpError(400, "invalid_request", null, "unreadable peer address"));
        AddressRanges proxies = config.trustedProxies();
        if (proxies.isEmpty() || !proxies.contains(peer)) {
            return peer;
        }
        List<String> chain = forwardedChain(req);
        InetAddress client = peer;
        for (int i = chain.size() - 1; i >= 0 && proxies.contains(client); i--) {
            Optional<InetAddress> hop = AddressRanges.literal(stripPort(chain.get(i)));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get();
        }
        return client;
    }

    private static List<String> forwardedChain(HttpServletRequest req) {
        List<String> out = new ArrayList<>();
        List<String> forwarded = Collections.list(req.getHeaders("Forwarded"));
        if (!forwarded.isEmpty()) {
            for (String header : forwarded) {
                for (String element : header.split(",")) {
                    for (String pair : element.split(";")) {
                        String p = pair.strip();
                        if (p.regionMatches(true, 0, "for=", 0, 4)) {
                            out.add(unquote(p.substring(4).strip()));
                        }
                    }
                }
            }
            return out;
        }
        for (String header : Collections.list(req.getHeaders("X-Forwarded-For"))) {
            for (String part : header.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(0, end + 1) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && hop.indexOf(':', colon + 1) < 0 ? hop.substring(0, colon) : hop;
    }

    private static String bearer(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
