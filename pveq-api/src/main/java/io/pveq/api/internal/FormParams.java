package io.pveq.api.internal;

import io.pveq.core.internal.pve.SshKeys;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The parameters of one request, in order, as the text Proxmox takes (booleans {@code 1}/{@code 0},
 * numbers in decimal), and their one encoding for the wire: {@code application/x-www-form-urlencoded}
 * bodies and query strings both percent-encode every byte outside RFC 3986's unreserved set, so a space
 * is always {@code %20} and a {@code +} always {@code %2B} (never the form encoding's {@code +} for a
 * space, which Proxmox would keep as a plus sign in some values). Secret parameters are remembered so
 * that logs can hide them. Not thread-safe; build one per request.
 */
public final class FormParams {

    private static final Set<String> SECRET_NAMES = Set.of("password", "cipassword", "otp", "tfa-challenge");

    private final Map<String, String> values = new LinkedHashMap<>();

    /** @return an empty parameter list */
    public static FormParams empty() {
        return new FormParams();
    }

    /**
     * @param name  a parameter name
     * @param value its text
     * @return this
     * @throws IllegalArgumentException when the name was given already
     */
    public FormParams put(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (values.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("parameter '" + name + "' given twice");
        }
        return this;
    }

    /** @return this, with {@code name} as a decimal integer */
    public FormParams put(String name, long value) {
        return put(name, Long.toString(value));
    }

    /** @return this, with {@code name} as {@code 1} or {@code 0} */
    public FormParams put(String name, boolean value) {
        return put(name, value ? "1" : "0");
    }

    /** @return the parameters in order, read-only */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** @return true when there are none */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** @return {@code name=value&...} with every value percent-encoded (see the class comment) */
    public String encoded() {
        StringBuilder out = new StringBuilder();
        values.forEach((name, value) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(percentEncode(name)).append('=').append(percentEncode(value));
        });
        return out.toString();
    }

    /** @return the parameters for a log line, secret values replaced by {@code <hidden>} */
    public String forLog() {
        StringBuilder out = new StringBuilder();
        values.forEach((name, value) -> {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(name).append('=').append(SECRET_NAMES.contains(name) ? "<hidden>" : value);
        });
        return out.toString();
    }

    /**
     * @param text any text
     * @return the UTF-8 bytes of {@code text}, every byte outside {@code A-Z a-z 0-9 - . _ ~} as {@code %XX}
     */
    public static String percentEncode(String text) {
        return SshKeys.encode(text); // the same rule Proxmox stores sshkeys with: RFC 3986 unreserved kept
    }
}
