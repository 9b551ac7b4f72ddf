package io.pveq.core;

import java.util.Objects;

/**
 * A value given by the caller breaks a rule. Thrown before anything runs on a node. The server
 * answers it with HTTP 400 and a body naming {@link #field()} and {@link #rule()}.
 */
public class InvalidSpecException extends PveqException {

    private final String field;
    private final String rule;

    /**
     * @param field the request field at fault, e.g. {@code ram} or {@code pubkey}
     * @param rule  the rule it breaks, e.g. {@code must be at least 512 (MB), got 256}
     */
    public InvalidSpecException(String field, String rule) {
        super(Objects.requireNonNull(field, "field") + ": " + Objects.requireNonNull(rule, "rule"));
        this.field = field;
        this.rule = rule;
    }

    /** @return the request field at fault */
    public String field() {
        return field;
    }

    /** @return the rule the value breaks, for people */
    public String rule() {
        return rule;
    }

    /**
     * @param text a caller-supplied value to quote in a message (may be null)
     * @return the text cut to 40 characters with control characters escaped, so messages stay one readable line
     */
    public static String shorten(String text) {
        if (text == null) {
            return "null";
        }
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        StringBuilder out = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
