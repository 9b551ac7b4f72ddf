package io.pveq.api.internal;

import okhttp3.Request;

/** How requests prove who sends them. Implementations are thread-safe. */
interface Auth {

    /**
     * Adds the credentials to a request, logging in or renewing first when needed.
     *
     * @param request the request being built
     * @param write   true for POST/PUT/DELETE (a ticket then needs its CSRF token)
     */
    void apply(Request.Builder request, boolean write);

    /**
     * Called after a 401: logs in afresh when that can help.
     *
     * @return true when a new login happened and the request may be tried once more
     */
    boolean relogin();

    /** @return the user or token id, for messages */
    String who();
}
