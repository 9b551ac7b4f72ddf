package io.pveq.core;

/**
 * A Proxmox VE virtual machine (or container) id: 100 to 999,999,999, unique across the cluster.
 *
 * @param value the numeric id
 */
public record VmId(int value) implements Comparable<VmId> {

    /** Lowest id Proxmox accepts for guests. */
    public static final int MIN = 100;
    /** Highest id Proxmox accepts. */
    public static final int MAX = 999_999_999;

    /** @throws InvalidSpecException when outside 100..999999999 */
    public VmId {
        if (value < MIN || value > MAX) {
            throw new InvalidSpecException("id", "must be between " + MIN + " and " + MAX + ", got " + value);
        }
    }

    /** @return the id for {@code value} */
    public static VmId of(int value) {
        return new VmId(value);
    }

    /**
     * Parses digits only (no sign, no spaces, no leading {@code +}).
     *
     * @param field the field name used in the error, e.g. {@code id}
     * @param text  the text to parse
     * @return the id
     * @throws InvalidSpecException naming {@code field} when malformed or out of range
     */
    public static VmId parse(String field, String text) {
        if (text == null || text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidSpecException(field, "must be a VMID of digits only between " + MIN + " and " + MAX
                    + ", got '" + InvalidSpecException.shorten(text) + "'");
        }
        int value = Integer.parseInt(text);
        if (value < MIN) {
            throw new InvalidSpecException(field, "must be between " + MIN + " and " + MAX + ", got " + value);
        }
        return new VmId(value);
    }

    @Override
    public int compareTo(VmId other) {
        return Integer.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
