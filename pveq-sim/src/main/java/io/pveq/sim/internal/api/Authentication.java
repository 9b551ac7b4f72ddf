package io.pveq.sim.internal.api;

import io.pveq.sim.internal.state.AccessState;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pveproxy's authentication of a request: the ticket cookie (or an {@code Authorization:
 * PVEAuthCookie=} header) with the CSRF token on every write but an upload, or an API token
 * ({@code PVEAPIToken=USER@REALM!ID=SECRET}, no CSRF); the few paths anyone may call without.
 * Failures are pveproxy's bare 401s (held back by the pipeline).
 */
final class Authentication {

    private static final Pattern COOKIE = Pattern.compile("(?:^|[;\\s])PVEAuthCookie=([^;\\s]*)");
    private static final Pattern TOKEN = Pattern.compile("(?:^|\\s)PVEAPIToken[= ](\\S+)");
    private static final Set<String> OPEN = Set.of("GET /access/ticket", "POST /access/ticket", "GET /access/domains",
            "POST /access/vncticket");
    private static final Pattern UPLOAD = Pattern.compile("/nodes/([^/]+)/storage/([^/]+)/upload");

    private final ApiContext context;

    Authentication(ApiContext context) {
        this.context = context;
    }

    record Authenticated(String authid, boolean token) {
    }

    Authenticated authenticate(TlsHttpServer.Request request, String method, String path) {
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

    private static String firstGroup(Pattern pattern, String text) {
        if (text == null) {
            return null;
        }
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
