package io.pveq.api.internal;

import io.pveq.core.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Password authentication with a ticket ({@code POST /access/ticket}): the ticket goes in the
 * {@code PVEAuthCookie} cookie, writes also carry the {@code CSRFPreventionToken} header. A ticket lasts
 * two hours; it is renewed (by posting it as the password) once older than {@link #RENEW_AFTER}, and a
 * fresh login with the password happens when it has expired or Proxmox answers 401. Time is read from
 * the client's clock. Thread-safe: one login at a time, readers see a consistent ticket and token.
 */
final class TicketAuth implements Auth {

    /** Proxmox's ticket lifetime. */
    static final Duration LIFETIME = Duration.ofHours(2);
    /** Renew this long after issue, well inside the lifetime (clock skew, long requests). */
    static final Duration RENEW_AFTER = Duration.ofMinutes(90);

    private static final Logger LOG = LoggerFactory.getLogger(TicketAuth.class);

    /** What a login answered. */
    record Ticket(String ticket, String csrfToken, String username, Instant issued) {
    }

    /** Performs {@code POST /access/ticket}. */
    interface Login {
        Ticket login(String username, Secret passwordOrTicket, Optional<String> otp);
    }

    private final String username;
    private final Secret password;
    private final Supplier<Optional<String>> otp;
    private final Clock clock;
    private final Login login;
    private volatile Ticket current;

    TicketAuth(String username, Secret password, Supplier<Optional<String>> otp, Clock clock, Login login) {
        this.username = username;
        this.password = password;
        this.otp = otp;
        this.clock = clock;
        this.login = login;
    }

    @Override
    public void apply(Request.Builder request, boolean write) {
        Ticket ticket = valid();
        request.header("Cookie", "PVEAuthCookie=" + ticket.ticket());
        if (write) {
            request.header("CSRFPreventionToken", ticket.csrfToken());
        }
    }

    private Ticket valid() {
        Ticket ticket = current;
        Instant now = clock.instant();
        if (ticket != null && now.isBefore(ticket.issued().plus(RENEW_AFTER))) {
            return ticket;
        }
        synchronized (this) {
            ticket = current;
            now = clock.instant();
            if (ticket == null || !now.isBefore(ticket.issued().plus(LIFETIME))) {
                current = login.login(username, password, otp.get());
            } else if (!now.isBefore(ticket.issued().plus(RENEW_AFTER))) {
                try {
                    current = login.login(username, Secret.of(ticket.ticket()), Optional.empty());
                    LOG.debug("renewed the ticket of {}", username);
                } catch (RuntimeException e) {
                    LOG.debug("renewing the ticket of {} failed ({}); logging in afresh", username, e.getMessage());
                    current = login.login(username, password, otp.get());
                }
            }
            return current;
        }
    }

    @Override
    public synchronized boolean relogin() {
        current = login.login(username, password, otp.get());
        return true;
    }

    @Override
    public String who() {
        return username;
    }

    /** @return the current ticket, if logged in (for tests and diagnostics) */
    Optional<Ticket> current() {
        return Optional.ofNullable(current);
    }
}
