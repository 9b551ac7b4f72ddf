package io.pveq.sim.internal.params;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parameter rule of the simulator, written from the Proxmox documentation: type, enumeration,
 * range, pattern, length, named format or property-string keys. {@link #check} answers Proxmox's
 * message for a bad value ({@code value must have a minimum value of 1}, ...).
 */
public interface Rule {

    /** @return the error message for {@code value}, or empty when valid */
    Optional<String> check(String value);

    /** @return true for boolean parameters (a bare flag means 1) */
    default boolean isBoolean() {
        return false;
    }

    /** @return an integer rule with optional bounds (null for none) */
    static Rule integer(Long min, Long max) {
        return value -> {
            if (!value.matches("[+-]?\\d+")) {
                return Optional.of("type check ('integer') failed - got '" + value + "'");
            }
            long number;
            try {
                number = Long.parseLong(value.startsWith("+") ? value.substring(1) : value);
            } catch (NumberFormatException e) {
                return Optional.of("type check ('integer') failed - got '" + value + "'");
            }
            if (min != null && number < min) {
                return Optional.of("value must have a minimum value of " + min);
            }
            if (max != null && number > max) {
                return Optional.of("value must have a maximum value of " + max);
            }
            return Optional.empty();
        };
    }

    /** @return a number (float) rule with an optional minimum */
    static Rule number(Long min) {
        return value -> {
            if (!value.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                return Optional.of("type check ('number') failed - got '" + value + "'");
            }
            if (min != null && Double.parseDouble(value) < min) {
                return Optional.of("value must have a minimum value of " + min);
            }
            return Optional.empty();
        };
    }

    /** Proxmox's accepted boolean spellings. */
    Pattern BOOLEAN = Pattern.compile("(?i)1|0|on|off|yes|no|true|false");

    /** @return a boolean rule */
    static Rule bool() {
        return new Rule() {
            @Override
            public Optional<String> check(String value) {
                return BOOLEAN.matcher(value).matches() ? Optional.empty()
                        : Optional.of("type check ('boolean') failed - got '" + value + "'");
            }

            @Override
            public boolean isBoolean() {
                return true;
            }
        };
    }

    /** @return an enumeration rule */
    static Rule oneOf(String... values) {
        List<String> allowed = List.of(values);
        return value -> allowed.contains(value) ? Optional.empty()
                : Optional.of("value '" + value + "' does not have a value in the enumeration '"
                        + String.join(", ", allowed) + "'");
    }

    /** @return a free string rule with an optional maximum length (0 for none) */
    static Rule string(int maxLength) {
        return value -> maxLength > 0 && value.length() > maxLength
                ? Optional.of("value may only be " + maxLength + " characters long") : Optional.empty();
    }

    /** @return a string rule that must match {@code regex} completely */
    static Rule pattern(String regex) {
        Pattern compiled = Pattern.compile(regex);
        return value -> compiled.matcher(value).matches() ? Optional.empty()
                : Optional.of("value does not match the regex pattern");
    }

    /** @return a named-format rule: {@code test} answers the detail of a bad value, empty when valid */
    static Rule format(java.util.function.Function<String, Optional<String>> test) {
        return value -> test.apply(value).map(detail -> "invalid format - " + detail);
    }
}
