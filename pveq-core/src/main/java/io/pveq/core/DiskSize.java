package io.pveq.core;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A disk size in bytes, written the way Proxmox writes sizes: a number and a binary unit
 * {@code K}, {@code M}, {@code G} or {@code T} (powers of 1024), e.g. {@code 16G}, {@code 3584M},
 * {@code 1.5T}. {@link #parseIncrement} also takes the leading {@code +} of a relative resize.
 *
 * @param bytes the size in bytes, never negative
 */
public record DiskSize(long bytes) implements Comparable<DiskSize> {

    /** 1 KiB. */
    public static final long KIB = 1024L;
    /** 1 MiB. */
    public static final long MIB = KIB * 1024;
    /** 1 GiB. */
    public static final long GIB = MIB * 1024;
    /** 1 TiB. */
    public static final long TIB = GIB * 1024;

    private static final Pattern SIZE = Pattern.compile("(\\+?)([0-9]{1,12})(?:\\.([0-9]{1,9}))?([KMGT])");
    private static final String UNITS = "KMGT";

    /** @throws IllegalArgumentException when negative */
    public DiskSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("disk size must not be negative, got " + bytes);
        }
    }

    /** @return a size of {@code gib} GiB */
    public static DiskSize ofGiB(long gib) {
        return new DiskSize(Math.multiplyExact(gib, GIB));
    }

    /** @return a size of {@code mib} MiB */
    public static DiskSize ofMiB(long mib) {
        return new DiskSize(Math.multiplyExact(mib, MIB));
    }

    /** @return a size of {@code bytes} bytes */
    public static DiskSize ofBytes(long bytes) {
        return new DiskSize(bytes);
    }

    /**
     * Parses an absolute size such as {@code 20G} or {@code 3584M} (a unit is required: a bare
     * number is ambiguous to people).
     *
     * @param field the request field named in the error, e.g. {@code disk}
     * @param text  the text; may be null (then rejected)
     * @return the size
     * @throws InvalidSpecException naming {@code field} when malformed, signed or not a whole number of bytes
     */
    public static DiskSize parse(String field, String text) {
        Matcher m = match(field, text);
        if (!m.group(1).isEmpty()) {
            throw new InvalidSpecException(field, "must be an absolute size such as 20G (no sign), got '"
                    + InvalidSpecException.shorten(text) + "'");
        }
        return toSize(field, text, m);
    }

    /**
     * Parses a growth step for a relative resize: {@code 10G} or {@code +10G} both mean "10 GiB more".
     *
     * @param field the request field named in the error, e.g. {@code disk}
     * @param text  the text; may be null (then rejected)
     * @return the increment, greater than zero
     * @throws InvalidSpecException naming {@code field} when malformed, zero, negative (shrinking is not supported)
     *                              or not a whole number of bytes
     */
    public static DiskSize parseIncrement(String field, String text) {
        if (text != null && text.startsWith("-")) {
            throw new InvalidSpecException(field, "disks can only grow; shrinking is not supported, got '"
                    + InvalidSpecException.shorten(text) + "'");
        }
        DiskSize size = toSize(field, text, match(field, text));
        if (size.bytes == 0) {
            throw new InvalidSpecException(field, "must grow the disk by more than zero, got '"
                    + InvalidSpecException.shorten(text) + "'");
        }
        return size;
    }

    private static Matcher match(String field, String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new InvalidSpecException(field, "must be a size such as 20G (number and unit K, M, G or T), got '"
                    + InvalidSpecException.shorten(text) + "'");
        }
        return m;
    }

    private static DiskSize toSize(String field, String text, Matcher m) {
        String number = m.group(3) == null ? m.group(2) : m.group(2) + "." + m.group(3);
        long unit = KIB << (10 * UNITS.indexOf(m.group(4)));
        BigDecimal bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(unit));
        try {
            return new DiskSize(bytes.longValueExact());
        } catch (ArithmeticException e) {
            throw new InvalidSpecException(field, "must be a whole number of bytes no larger than 8 EiB, got '"
                    + InvalidSpecException.shorten(text) + "'");
        }
    }

    /** @return this size plus {@code other} */
    public DiskSize plus(DiskSize other) {
        return new DiskSize(Math.addExact(bytes, other.bytes));
    }

    /** @return the size in GiB, fractional */
    public double gib() {
        return bytes / (double) GIB;
    }

    /** @return the size in whole GiB, rounded half up (what the list response shows as {@code disk}) */
    public long roundedGiB() {
        return (bytes + GIB / 2) / GIB;
    }

    /**
     * @return the size as Proxmox writes it: the largest unit that divides it exactly ({@code 16G},
     *         {@code 3584M}, {@code 4M}); a size that is no whole number of KiB is written in bytes
     */
    public String toProxmox() {
        for (int i = UNITS.length() - 1; i >= 0; i--) {
            long unit = KIB << (10 * i);
            if (bytes != 0 && bytes % unit == 0) {
                return (bytes / unit) + String.valueOf(UNITS.charAt(i));
            }
        }
        return bytes == 0 ? "0G" : Long.toString(bytes);
    }

    @Override
    public int compareTo(DiskSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** @return {@link #toProxmox()} */
    @Override
    public String toString() {
        return toProxmox();
    }
}
