package io.pveq.core.internal.pve;

import io.pveq.core.InvalidSpecException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Proxmox property string such as {@code virtio=BC:24:11:46:32:17,bridge=vmbr0} or
 * {@code local-lvm:vm-100-disk-0,size=32G}: comma-separated {@code key=value} parts in order, where a
 * part without {@code =} is the value of the format's default key ({@code model} for {@code net0},
 * {@code file} for disks).
 *
 * <p>Escaping: {@code qm} (Perl) splits on every comma and at the first {@code =} of a part, with no
 * escape. A value may therefore contain {@code =} but never a comma; {@link #encode()} refuses
 * commas, double quotes and control characters rather than produce a string Proxmox reads
 * differently. {@link #parse} also accepts the double-quoted form ({@code key="a,b"} with
 * {@code \"} and {@code \\} escapes) that newer Proxmox tools print. Immutable and thread-safe.
 *
 * @param entries keys to values in order; the default key's value first when the string had one
 */
public record PropertyString(Map<String, String> entries) {

    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_\\-]*");

    /** Validates and copies, keeping order. */
    public PropertyString {
        Objects.requireNonNull(entries, "entries");
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** @return a builder for a new property string */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses a property string.
     *
     * @param text       the string as {@code qm config} prints it
     * @param defaultKey the key a part without {@code =} belongs to, or null when the format has none
     * @return the parsed entries
     * @throws IllegalArgumentException when a part has no key and there is no default key, a key repeats,
     *                                  or a quote is not closed
     */
    public static PropertyString parse(String text, String defaultKey) {
        Objects.requireNonNull(text, "text");
        Map<String, String> entries = new LinkedHashMap<>();
        for (String part : split(text)) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key;
            String value;
            if (eq < 0 || part.startsWith("\"")) {
                if (defaultKey == null) {
                    throw new IllegalArgumentException("property string part '" + part + "' has no key");
                }
                key = defaultKey;
                value = unquote(part);
            } else {
                key = part.substring(0, eq);
                value = unquote(part.substring(eq + 1));
            }
            if (entries.put(key, value) != null) {
                throw new IllegalArgumentException("key '" + key + "' repeats in property string '" + text + "'");
            }
        }
        return new PropertyString(entries);
    }

    private static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (c == ',' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unclosed quote in property string '" + text + "'");
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        if (value.length() < 2 || !value.startsWith("\"") || !value.endsWith("\"")) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** @return the value of {@code key}, if present */
    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * Encodes for a {@code qm} option. The first entry is written bare when {@code defaultKey} names it.
     *
     * @return the text, e.g. {@code virtio,bridge=vmbr0}
     */
    public String encode() {
        return encode(null);
    }

    /**
     * @param defaultKey the key whose value may be written without {@code key=}; null for none
     * @return the encoded text
     */
    public String encode(String defaultKey) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (out.length() > 0) {
                out.append(',');
            }
            if (!e.getKey().equals(defaultKey)) {
                out.append(e.getKey()).append('=');
            }
            out.append(e.getValue());
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return encode();
    }

    /** Builds a {@link PropertyString}, refusing values Proxmox would split or misread. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> entries = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param key   a property key
         * @param value its value: not empty, no comma, double quote or control character
         * @return this builder
         * @throws InvalidSpecException when the value cannot be carried in a property string
         */
        public Builder put(String key, String value) {
            if (!KEY.matcher(Objects.requireNonNull(key, "key")).matches()) {
                throw new IllegalArgumentException("bad property key '" + key + "'");
            }
            checkValue(key, value);
            if (entries.put(key, value) != null) {
                throw new IllegalArgumentException("property key '" + key + "' given twice");
            }
            return this;
        }

        /** Adds the entry only when {@code value} is present. */
        public Builder putIfPresent(String key, Optional<String> value) {
            value.ifPresent(v -> put(key, v));
            return this;
        }

        /** @return the property string */
        public PropertyString build() {
            return new PropertyString(entries);
        }
    }

    static void checkValue(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()) {
            throw new InvalidSpecException(field, "must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || Character.isISOControl(c)) {
                throw new InvalidSpecException(field, "must not contain commas, double quotes or control characters"
                        + " (Proxmox splits property strings on commas), got '"
                        + InvalidSpecException.shorten(value) + "'");
            }
        }
    }
}
