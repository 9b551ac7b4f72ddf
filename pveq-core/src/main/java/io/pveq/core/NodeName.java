package io.pveq.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Proxmox VE cluster node name, as Proxmox requires it (a host name label: letters, digits and
 * inner hyphens, at most 63 characters), e.g. {@code pve1}.
 *
 * @param value the name
 */
public record NodeName(String value) implements Comparable<NodeName> {

    private static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");

    /** @throws InvalidSpecException when not a valid node name */
    public NodeName {
        Objects.requireNonNull(value, "value");
        if (!LABEL.matcher(value).matches()) {
            throw new InvalidSpecException("node", "must be a Proxmox node name (letters, digits, inner hyphens,"
                    + " at most 63 characters), got '" + InvalidSpecException.shorten(value) + "'");
        }
    }

    /** @return the node name for {@code value} */
    public static NodeName of(String value) {
        return new NodeName(value);
    }

    @Override
    public int compareTo(NodeName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
