package io.pveq.sim.internal.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authentication tickets and CSRF prevention tokens in Proxmox's shapes:
 * {@code PVE:<userid>:<HEX time>::<signature>} and {@code <HEX time>:<signature>}, valid from five
 * minutes before their time stamp to two hours after it (on the simulated clock). Signed with an
 * HMAC-SHA256 key kept in the cluster state instead of Proxmox's RSA key: clients only ever compare
 * tickets as opaque strings. Immutable, thread-safe.
 */
final class Tickets {

    /** How long a ticket or CSRF token lives (Proxmox: 2 hours). */
    static final long LIFETIME_SECONDS = 2 * 3600;
    /** How far in the future a time stamp may be (Proxmox's auth grace period). */
    static final long GRACE_SECONDS = 300;
    private static final Pattern TICKET = Pattern.compile("PVE:([^:]+):([0-9A-F]{8})::([A-Za-z0-9+/=_\\-]+)");
    private static final Pattern CSRF = Pattern.compile("([0-9A-F]{8}):([A-Za-z0-9+/=_\\-]+)");

    private final byte[] key;

    Tickets(String base64Key) {
        this.key = Base64.getDecoder().decode(base64Key);
    }

    /** A verified ticket: its user and age in seconds. */
    record Verified(String userid, long ageSeconds) {
    }

    String ticket(String userid, long nowSeconds) {
        String data = "PVE:" + userid + ":" + hexTime(nowSeconds);
        return data + "::" + sign("ticket:" + data);
    }

    Optional<Verified> verify(String ticket, long nowSeconds) {
        if (ticket == null) {
            return Optional.empty();
        }
        Matcher m = TICKET.matcher(ticket.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String data = "PVE:" + m.group(1) + ":" + m.group(2);
        if (!equal(sign("ticket:" + data), m.group(3))) {
            return Optional.empty();
        }
        long age = nowSeconds - Long.parseLong(m.group(2), 16);
        if (age < -GRACE_SECONDS || age > LIFETIME_SECONDS) {
            return Optional.empty();
        }
        return Optional.of(new Verified(m.group(1), age));
    }

    String csrf(String userid, long nowSeconds) {
        String time = hexTime(nowSeconds);
        return time + ":" + sign("csrf:" + time + ":" + userid);
    }

    boolean verifyCsrf(String userid, String token, long nowSeconds) {
        if (token == null) {
            return false;
        }
        Matcher m = CSRF.matcher(token.strip());
        if (!m.matches() || !equal(sign("csrf:" + m.group(1) + ":" + userid), m.group(2))) {
            return false;
        }
        long age = nowSeconds - Long.parseLong(m.group(1), 16);
        return age >= -GRACE_SECONDS && age <= LIFETIME_SECONDS;
    }

    private static String hexTime(long seconds) {
        return String.format(Locale.ROOT, "%08X", seconds);
    }

    private String sign(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
