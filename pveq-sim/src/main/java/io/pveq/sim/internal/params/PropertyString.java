package io.pveq.sim.internal.params;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A property-string parameter ({@code net0}, {@code scsi0}, {@code ipconfig0}): comma-separated
 * {@code key=value} parts, one part may omit its key (the default key), aliases map to keys, and each
 * key has its own {@link Rule}. {@link #parse} splits a value the way Proxmox does.
 */
public final class PropertyString implements Rule {

    private final Map<String, Rule> keys;
    private final String defaultKey;
    private final Map<String, String> aliases;
    /** Keys that name the default key's value and carry the aliased key's value ({@code virtio=MAC}). */
    private final Map<String, String> keyAliases;

    private PropertyString(Builder builder) {
        this.keys = Map.copyOf(builder.keys);
        this.defaultKey = builder.defaultKey;
        this.aliases = Map.copyOf(builder.aliases);
        this.keyAliases = Map.copyOf(builder.keyAliases);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<String> check(String value) {
        try {
            parse(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("invalid format - " + e.getMessage());
        }
    }

    /**
     * @return the parts in order, aliases resolved ({@code virtio=MAC} gives model=virtio, macaddr=MAC)
     * @throws IllegalArgumentException with Proxmox's text when malformed
     */
    public Map<String, String> parse(String value) {
        Map<String, String> result = new LinkedHashMap<>();
        boolean defaultSeen = false;
        for (String part : value.split(",", -1)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq > 0 && eq < part.length() - 1) {
                String key = part.substring(0, eq);
                String val = part.substring(eq + 1);
                if (keyAliases.containsKey(key)) {
                    put(result, defaultKey, key);
                    put(result, keyAliases.get(key), val);
                    continue;
                }
                key = aliases.getOrDefault(key, key);
                if (!keys.containsKey(key)) {
                    throw new IllegalArgumentException("invalid key in comma-separated list property: " + key);
                }
                put(result, key, val);
            } else if (eq < 0) {
                if (defaultKey == null) {
                    throw new IllegalArgumentException("value without key, but schema does not define a default key");
                }
                if (defaultSeen) {
                    throw new IllegalArgumentException("duplicate key in comma-separated list property: " + defaultKey);
                }
                defaultSeen = true;
                put(result, defaultKey, part);
            } else {
                throw new IllegalArgumentException("missing key in comma-separated list property");
            }
        }
        for (Map.Entry<String, String> entry : result.entrySet()) {
            Optional<String> error = keys.get(entry.getKey()).check(entry.getValue());
            if (error.isPresent()) {
                throw new IllegalArgumentException("format error: " + entry.getKey() + ": " + error.get());
            }
        }
        for (Map.Entry<String, Rule> required : keys.entrySet()) {
            if (required.getValue() instanceof Required && !result.containsKey(required.getKey())) {
                throw new IllegalArgumentException("format error: " + required.getKey()
                        + ": property is missing and it is not optional");
            }
        }
        return result;
    }

    private static void put(Map<String, String> result, String key, String value) {
        if (result.containsKey(key)) {
            throw new IllegalArgumentException("duplicate key in comma-separated list property: " + key);
        }
        result.put(key, value);
    }

    /** Marks a key that must be present. */
    public record Required(Rule rule) implements Rule {
        @Override
        public Optional<String> check(String value) {
            return rule.check(value);
        }
    }

    /** Builds a {@link PropertyString}. */
    public static final class Builder {
        private final Map<String, Rule> keys = new LinkedHashMap<>();
        private String defaultKey;
        private final Map<String, String> aliases = new LinkedHashMap<>();
        private final Map<String, String> keyAliases = new LinkedHashMap<>();

        public Builder key(String name, Rule rule) {
            keys.put(name, rule);
            return this;
        }

        /** The key a part without {@code =} belongs to; it must be present when {@code required}. */
        public Builder defaultKey(String name, Rule rule, boolean required) {
            keys.put(name, required ? new Required(rule) : rule);
            defaultKey = name;
            return this;
        }

        public Builder alias(String alias, String key) {
            aliases.put(alias, key);
            return this;
        }

        /** {@code alias=value} sets the default key to {@code alias} and {@code key} to value. */
        public Builder keyAlias(String alias, String key) {
            keyAliases.put(alias, key);
            return this;
        }

        public PropertyString build() {
            return new PropertyString(this);
        }
    }
}
