package io.pveq.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks one string value against one JSON-schema property of the Proxmox API, the way PVE's
 * {@code PVE::JSONSchema} does for CLI input. Collects violations instead of stopping at the first.
 * Not thread-safe (appends to the caller's list); cheap to create.
 */
final class SchemaValidator {

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d+)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> BOOLEANS = Set.of("1", "0", "on", "off", "yes", "no", "true", "false");

    private final List<SchemaViolation> violations;

    SchemaValidator(List<SchemaViolation> violations) {
        this.violations = violations;
    }

    static boolean isOptional(JsonNode spec) {
        JsonNode optional = spec.get("optional");
        return optional != null && (optional.asInt() == 1 || optional.asBoolean());
    }

    void fail(String where, String message) {
        violations.add(new SchemaViolation(where, message));
    }

    /** Checks {@code value} of parameter (or property-string key) {@code where} against {@code spec}. */
    void checkValue(String where, JsonNode spec, String value) {
        if (value == null) {
            fail(where, "has no value");
            return;
        }
        String type = spec.path("type").asText("string");
        switch (type) {
            case "integer" -> {
                if (!INTEGER.matcher(value).matches()) {
                    fail(where, "'" + value + "' is not an integer");
                    return;
                }
                checkRange(where, spec, new BigDecimal(value));
            }
            case "number" -> {
                if (!NUMBER.matcher(value).matches()) {
                    fail(where, "'" + value + "' is not a number");
                    return;
                }
                checkRange(where, spec, new BigDecimal(value));
            }
            case "boolean" -> {
                if (!BOOLEANS.contains(value.toLowerCase(Locale.ROOT))) {
                    fail(where, "'" + value + "' is not a boolean (1|0|on|off|yes|no|true|false)");
                }
            }
            case "string" -> checkString(where, spec, value);
            case "array" -> {
                // an HTTP client repeats the key; callers pass the values joined by NUL
                JsonNode items = spec.path("items");
                for (String item : value.split("\0", -1)) {
                    if (!items.isMissingNode()) {
                        checkValue(where, items, item);
                    }
                }
            }
            default -> fail(where, "type '" + type + "' cannot be given on a command line");
        }
    }

    private void checkRange(String where, JsonNode spec, BigDecimal number) {
        JsonNode min = spec.get("minimum");
        if (min != null && number.compareTo(new BigDecimal(min.asText())) < 0) {
            fail(where, number + " is below the minimum " + min.asText());
        }
        JsonNode max = spec.get("maximum");
        if (max != null && number.compareTo(new BigDecimal(max.asText())) > 0) {
            fail(where, number + " is above the maximum " + max.asText());
        }
    }

    private void checkString(String where, JsonNode spec, String value) {
        JsonNode enumNode = spec.get("enum");
        if (enumNode != null) {
            boolean found = false;
            for (JsonNode allowed : enumNode) {
                found |= allowed.asText().equals(value);
            }
            if (!found) {
                fail(where, "'" + value + "' is not one of " + enumNode);
            }
        }
        if (spec.has("maxLength") && value.length() > spec.get("maxLength").asInt()) {
            fail(where, "longer than " + spec.get("maxLength").asInt() + " characters");
        }
        if (spec.has("minLength") && value.length() < spec.get("minLength").asInt()) {
            fail(where, "shorter than " + spec.get("minLength").asInt() + " characters");
        }
        if (spec.has("pattern")) {
            Pattern pattern = perlPattern(spec.get("pattern").asText());
            if (!pattern.matcher(value).matches()) {
                fail(where, "'" + value + "' does not match /" + spec.get("pattern").asText() + "/");
            }
        }
        JsonNode format = spec.get("format");
        if (format == null) {
            return;
        }
        if (format.isObject()) {
            checkPropertyString(where, format, value);
        } else {
            NamedFormats.check(this, where, format.asText(), spec.path("typetext").asText(""), value);
        }
    }

    /** Proxmox patterns are Perl regexes matched against the whole value. */
    static Pattern perlPattern(String perl) {
        String java = perl.replace("(?^:", "(?:").replace("(?^i:", "(?i:").replaceAll("\\{,(\\d+)}", "{0,$1}");
        try {
            return Pattern.compile(java);
        } catch (PatternSyntaxException e) {
            throw new IllegalStateException("cannot translate schema pattern " + perl, e);
        }
    }

    /**
     * Splits a property string the way PVE does ({@code split /,/}; a part without {@code =} belongs
     * to the default key), resolving {@code alias} and {@code keyAlias} entries, then checks each key.
     */
    void checkPropertyString(String where, JsonNode format, String value) {
        Optional<String> defaultKey = Optional.empty();
        for (Iterator<Map.Entry<String, JsonNode>> it = format.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> key = it.next();
            if (key.getValue().path("default_key").asInt() == 1) {
                defaultKey = Optional.of(key.getKey());
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : splitParts(value)) {
            if (part.isEmpty()) {
                fail(where, "empty element in property string '" + value + "'");
                continue;
            }
            int eq = part.indexOf('=');
            String key;
            String keyValue;
            if (eq < 0) {
                if (defaultKey.isEmpty()) {
                    fail(where, "'" + part + "' has no key and the format has no default key");
                    continue;
                }
                key = defaultKey.get();
                keyValue = part;
            } else {
                key = part.substring(0, eq);
                keyValue = part.substring(eq + 1);
            }
            JsonNode keySpec = format.get(key);
            if (keySpec == null) {
                fail(where + "." + key, "unknown key in property string '" + value + "'");
                continue;
            }
            if (keySpec.has("keyAlias")) {
                put(where, values, keySpec.get("keyAlias").asText(), key);
                put(where, values, keySpec.path("alias").asText(), keyValue);
            } else if (keySpec.has("alias")) {
                put(where, values, keySpec.get("alias").asText(), keyValue);
            } else {
                put(where, values, key, keyValue);
            }
        }
        for (Map.Entry<String, String> entry : values.entrySet()) {
            JsonNode keySpec = format.get(entry.getKey());
            if (keySpec == null) {
                fail(where + "." + entry.getKey(), "alias target is not defined");
            } else {
                checkValue(where + "." + entry.getKey(), keySpec, entry.getValue());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = format.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> key = it.next();
            JsonNode keySpec = key.getValue();
            if (!keySpec.has("alias") && !isOptional(keySpec) && !values.containsKey(key.getKey())
                    && !keySpec.has("default")) {
                fail(where + "." + key.getKey(), "required key is missing in '" + value + "'");
            }
        }
    }

    private void put(String where, Map<String, String> values, String key, String value) {
        if (values.put(key, value) != null) {
            fail(where + "." + key, "key given more than once");
        }
    }

    static List<String> splitParts(String value) {
        List<String> parts = new ArrayList<>();
        if (value.isEmpty()) {
            return parts;
        }
        for (String part : value.split(",", -1)) {
            parts.add(part);
        }
        return parts;
    }
}
