package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Lenient readers for Proxmox JSON, where numbers are often strings and booleans are {@code 0}/{@code 1},
 * {@code "1"} or {@code true}. A missing or unreadable field gives the fallback; parsing never fails on a
 * field Proxmox left out. Stateless.
 */
final class Json {

    private Json() {
    }

    static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? fallback : v.asText();
    }

    static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return Optional.empty();
        }
        String text = v.asText();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    static long integer(JsonNode node, String field, long fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        try {
            String text = v.asText().strip();
            return text.contains(".") ? (long) Double.parseDouble(text) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static double number(JsonNode node, String field, double fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        try {
            return Double.parseDouble(v.asText().strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static boolean bool(JsonNode node, String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asLong() != 0;
        }
        String text = v.asText().strip();
        return switch (text) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off", "" -> false;
            default -> fallback;
        };
    }
}
