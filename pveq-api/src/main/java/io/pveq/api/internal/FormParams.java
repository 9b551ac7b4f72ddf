package io.pveq.api.internal;

import io.pveq.core.internal.pve.SshKeys;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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

    private static final Set<String> SECRET_NAMES = Set.of("password", "cipassword", "otp", "tfa-challenge",
            "input-data");

    private final Map<String, List<String>> values = new LinkedHashMap<>();

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
        if (values.putIfAbsent(name, List.of(value)) != null) {
            throw new IllegalArgumentException("parameter '" + name + "' given twice");
        }
        return this;
    }

    /**
     * An array parameter (e.g. {@code command} of the guest agent's exec): the key is repeated once per value.
     *
     * @param name   a parameter name
     * @param items  its values, at least one
     * @return this
     */
    public FormParams putArray(String name, List<String> items) {
        Objects.requireNonNull(name, "name");
        if (items.isEmpty()) {
            throw new IllegalArgumentException("array parameter '" + name + "' needs at least one value");
        }
        if (values.putIfAbsent(name, List.copyOf(items)) != null) {
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

    /** @return the parameters in order; the values of an array parameter joined by NUL characters */
    public Map<String, String> values() {
        Map<String, String> flat = new LinkedHashMap<>();
        values.forEach((name, list) -> flat.put(name, String.join("\0", list)));
        return Collections.unmodifiableMap(flat);
    }

    /** @return true when there are none */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** @return {@code name=value&...} with every value percent-encoded (see the class comment) */
    public String encoded() {
        StringBuilder out = new StringBuilder();
        values.forEach((name, list) -> {
            for (String value : list) {
                if (out.length() > 0) {
                    out.append('&');
                }
                out.append(percentEncode(name)).append('=').append(percentEncode(value));
            }
        });
        return out.toString();
    }

    /** @return the parameters for a log line, secret values replaced by {@code <hidden>} */
    public String forLog() {
        StringBuilder out = new StringBuilder();
        values.forEach((name, list) -> {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(name).append('=').append(SECRET_NAMES.contains(name) ? "<hidden>" : String.join(",", list));
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
