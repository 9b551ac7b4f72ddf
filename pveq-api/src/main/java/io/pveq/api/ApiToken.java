package io.pveq.api;

import io.pveq.core.Secret;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Proxmox VE API token: {@code USER@REALM!TOKENID} and its secret (a UUID). Sent as
 * {@code Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET}; needs no CSRF token and no login.
 * {@link #toString()} hides the secret.
 *
 * @param user    the owning user, e.g. {@code pveq@pve}
 * @param tokenId the token's id, e.g. {@code provision}
 * @param secret  the token's secret value
 */
public record ApiToken(String user, String tokenId, Secret secret) {

    private static final Pattern USER = Pattern.compile("[^\\s:/!@]+@[A-Za-z][A-Za-z0-9.\\-_]{1,31}");
    private static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z][A-Za-z0-9.\\-_]{1,127}");
    private static final Pattern FULL = Pattern.compile("(?:PVEAPIToken=)?([^!=\\s]+)!([^=\\s]+)=(\\S+)");

    /** Validates. */
    public ApiToken {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(secret, "secret");
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("an API token's user is USER@REALM, e.g. pveq@pve, got '" + user + "'");
        }
        if (!TOKEN_ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("an API token id starts with a letter and holds letters, digits,"
                    + " '.', '-' and '_' (2-128 characters), got '" + tokenId + "'");
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the API token's secret is empty");
        }
    }

    /**
     * Parses the form Proxmox shows when the token is created, with or without the header's prefix.
     *
     * @param text {@code USER@REALM!TOKENID=SECRET}, e.g. {@code root@pam!pveq=9b6e0f5e-...}
     * @return the token
     * @throws IllegalArgumentException when malformed (the message never repeats the secret)
     */
    public static ApiToken parse(String text) {
        Matcher m = FULL.matcher(Objects.requireNonNull(text, "text").strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("an API token looks like USER@REALM!TOKENID=SECRET,"
                    + " e.g. pveq@pve!provision=9b6e0f5e-...; the given text does not");
        }
        return new ApiToken(m.group(1), m.group(2), Secret.of(m.group(3)));
    }

    /** @return {@code USER@REALM!TOKENID}, the id Proxmox checks permissions for */
    public String fullId() {
        return user + "!" + tokenId;
    }

    /** @return the {@code Authorization} header value; it holds the secret: never log it */
    public String headerValue() {
        return "PVEAPIToken=" + fullId() + "=" + secret.reveal();
    }

    @Override
    public String toString() {
        return fullId() + "=******";
    }
}
