package io.pveq.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against a {@code returns} schema of {@code apidata.js} (what an API answer's
 * {@code data} must be): types, required keys of objects, keys an object may not have
 * ({@code additionalProperties: 0}), enums, ranges and item types. Proxmox's own loose typing is
 * allowed where it is the norm: integers and numbers may arrive as numeric strings, booleans as
 * 0/1. Also checks the values of an array parameter. Stateless.
 */
public final class ReturnsValidator {

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private ReturnsValidator() {
    }

    /**
     * @param schema the {@code returns} schema
     * @param data   the answer's {@code data}
     * @return the violations, empty when the data fits
     */
    public static List<SchemaViolation> validate(JsonNode schema, JsonNode data) {
        List<SchemaViolation> violations = new ArrayList<>();
        check("data", schema, data, violations);
        return violations;
    }

    /**
     * @param spec   a parameter of type {@code array}
     * @param values its values as sent
     * @return the violations of the items against {@code items}
     */
    public static List<SchemaViolation> validateArrayParameter(String name, JsonNode spec, List<String> values) {
        List<SchemaViolation> violations = new ArrayList<>();
        if (!"array".equals(spec.path("type").asText())) {
            violations.add(new SchemaViolation(name, "sent as a list but the schema says " + spec.path("type").asText()));
            return violations;
        }
        SchemaValidator validator = new SchemaValidator(violations);
        JsonNode items = spec.path("items");
        for (int i = 0; i < values.size(); i++) {
            if (items.isMissingNode()) {
                continue;
            }
            validator.checkValue(name + "[" + i + "]", items, values.get(i));
        }
        return violations;
    }

    private static void check(String where, JsonNode schema, JsonNode value, List<SchemaViolation> out) {
        if (schema == null || schema.isMissingNode() || !schema.has("type")) {
            return;
        }
        boolean optional = schema.path("optional").asInt(0) == 1 || schema.path("optional").asBoolean(false);
        if (value == null || value.isMissingNode() || value.isNull()) {
            if (!schema.path("type").asText().equals("null") && !optional) {
                out.add(new SchemaViolation(where, "is null but the schema says " + schema.path("type").asText()));
            }
            return;
        }
        String type = schema.path("type").asText();
        switch (type) {
            case "null" -> out.add(new SchemaViolation(where, "must be null, got " + value));
            case "string" -> {
                if (!value.isTextual()) {
                    out.add(new SchemaViolation(where, "must be a string, got " + value));
                    return;
                }
                checkEnum(where, schema, value.asText(), out);
                if (schema.has("maxLength") && value.asText().length() > schema.get("maxLength").asInt()) {
                    out.add(new SchemaViolation(where, "longer than " + schema.get("maxLength").asInt()));
                }
            }
            case "integer" -> {
                if (!(value.isIntegralNumber() || (value.isTextual() && INTEGER.matcher(value.asText()).matches()))) {
                    out.add(new SchemaViolation(where, "must be an integer, got " + value));
                    return;
                }
                checkRange(where, schema, new BigDecimal(value.asText()), out);
            }
            case "number" -> {
                if (!(value.isNumber() || (value.isTextual() && NUMBER.matcher(value.asText()).matches()))) {
                    out.add(new SchemaViolation(where, "must be a number, got " + value));
                    return;
                }
                checkRange(where, schema, new BigDecimal(value.asText()), out);
            }
            case "boolean" -> {
                boolean ok = value.isBoolean() || (value.isIntegralNumber() && (value.asInt() == 0 || value.asInt() == 1))
                        || (value.isTextual() && Set.of("0", "1").contains(value.asText()));
                if (!ok) {
                    out.add(new SchemaViolation(where, "must be a boolean (0/1), got " + value));
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    out.add(new SchemaViolation(where, "must be an array, got " + abbreviate(value)));
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(where + "[" + i + "]", schema.path("items"), value.get(i), out);
                }
            }
            case "object" -> {
                if (!value.isObject()) {
                    out.add(new SchemaViolation(where, "must be an object, got " + abbreviate(value)));
                    return;
                }
                JsonNode properties = schema.path("properties");
                for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> property = it.next();
                    JsonNode spec = property.getValue();
                    boolean keyOptional = spec.path("optional").asInt(0) == 1 || spec.path("optional").asBoolean(false);
                    JsonNode present = value.get(property.getKey());
                    if (present == null) {
                        if (!keyOptional) {
                            out.add(new SchemaViolation(where + "." + property.getKey(), "required key is missing"));
                        }
                        continue;
                    }
                    check(where + "." + property.getKey(), spec, present, out);
                }
                JsonNode additional = schema.get("additionalProperties");
                if (additional != null && !additional.isObject() && additional.asInt(1) == 0) {
                    for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
                        String name = names.next();
                        if (!properties.has(name)) {
                            out.add(new SchemaViolation(where + "." + name, "key not allowed (additionalProperties 0)"));
                        }
                    }
                }
            }
            default -> {
                // "any" and untyped values are not checked
            }
        }
    }

    private static void checkEnum(String where, JsonNode schema, String value, List<SchemaViolation> out) {
        JsonNode allowed = schema.get("enum");
        if (allowed == null) {
            return;
        }
        for (JsonNode option : allowed) {
            if (option.asText().equals(value)) {
                return;
            }
        }
        out.add(new SchemaViolation(where, "'" + value + "' is not one of " + allowed));
    }

    private static void checkRange(String where, JsonNode schema, BigDecimal number, List<SchemaViolation> out) {
        JsonNode min = schema.get("minimum");
        if (min != null && number.compareTo(new BigDecimal(min.asText())) < 0) {
            out.add(new SchemaViolation(where, number + " is below the minimum " + min.asText()));
        }
        JsonNode max = schema.get("maximum");
        if (max != null && number.compareTo(new BigDecimal(max.asText())) > 0) {
            out.add(new SchemaViolation(where, number + " is above the maximum " + max.asText()));
        }
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
