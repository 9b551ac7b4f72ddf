package io.pveq.api.internal;

import io.pveq.api.ApiToken;
import okhttp3.Request;

/** API token authentication: one header, no login, no CSRF token. */
final class TokenAuth implements Auth {

    private final ApiToken token;
    private final String header;

    TokenAuth(ApiToken token) {
        this.token = token;
        this.header = token.headerValue();
    }

    @Override
    public void apply(Request.Builder request, boolean write) {
        request.header("Authorization", header);
    }

    @Override
    public boolean relogin() {
        return false;
    }

    @Override
    public String who() {
        return token.fullId();
    }
}
