package io.pveq.core.internal.pve;

import io.pveq.core.InvalidSpecException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A disk size as Proxmox writes it ({@code size=3584M}, {@code 16G}, {@code 4M}; units K/M/G/T are
 * powers of 1024; a bare number is bytes). Immutable.
 *
 * @param bytes the size in bytes, positive
 */
public record DiskSize(long bytes) implements Comparable<DiskSize> {

    private static final Pattern TEXT = Pattern.compile("(\\d+)(?:\\.(\\d+))?([KMGT]?)");
    private static final String UNITS = "KMGT";

    /** Validates. */
    public DiskSize {
        if (bytes <= 0) {
            throw new InvalidSpecException("size", "must be positive, got " + bytes + " bytes");
        }
    }

    /** @return {@code n} GiB */
    public static DiskSize ofGiB(long n) {
        return new DiskSize(Math.multiplyExact(n, 1L << 30));
    }

    /** @return {@code n} MiB */
    public static DiskSize ofMiB(long n) {
        return new DiskSize(Math.multiplyExact(n, 1L << 20));
    }

    /**
     * Parses Proxmox's notation; fractions ({@code 1.5G}) are allowed and rounded down to a byte.
     *
     * @param text e.g. {@code 3584M}
     * @return the size
     * @throws IllegalArgumentException when the text is not a size
     */
    public static DiskSize parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Proxmox disk size: '" + text + "'");
        }
        int shift = m.group(3).isEmpty() ? 0 : 10 * (UNITS.indexOf(m.group(3)) + 1);
        java.math.BigDecimal value = new java.math.BigDecimal(m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)));
        return new DiskSize(value.multiply(java.math.BigDecimal.valueOf(1L << shift)).longValue());
    }

    /** @return the size in the largest whole unit, as {@code qm config} shows it ({@code 3584M}) */
    public String toProxmox() {
        for (int i = UNITS.length(); i >= 1; i--) {
            long unit = 1L << (10 * i);
            if (bytes % unit == 0) {
                return bytes / unit + String.valueOf(UNITS.charAt(i - 1));
            }
        }
        return Long.toString(bytes);
    }

    /** @return the size in GiB as a fraction */
    public double gib() {
        return bytes / (double) (1L << 30);
    }

    @Override
    public int compareTo(DiskSize other) {
        return Long.compare(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return toProxmox();
    }
}
