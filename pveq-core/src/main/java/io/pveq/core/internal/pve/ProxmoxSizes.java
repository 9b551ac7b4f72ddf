package io.pveq.core.internal.pve;

import io.pveq.core.DiskSize;
import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads disk sizes as Proxmox prints them ({@code size=3584M}, {@code 16G}, {@code 4M}, {@code 1.5G};
 * units K/M/G/T are powers of 1024; a bare number is bytes) into the public {@link DiskSize}. More
 * lenient than {@link DiskSize#parse}, which checks what people type: output is taken as Proxmox
 * wrote it. Stateless and thread-safe.
 */
public final class ProxmoxSizes {

    private static final Pattern TEXT = Pattern.compile("(\\d+)(?:\\.(\\d+))?([KMGT]?)");
    private static final String UNITS = "KMGT";

    private ProxmoxSizes() {
    }

    /**
     * @param text e.g. {@code 3584M}; fractions are rounded down to a byte
     * @return the size, more than zero
     * @throws IllegalArgumentException when the text is not a positive Proxmox size
     */
    public static DiskSize parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Proxmox disk size: '" + text + "'");
        }
        int shift = m.group(3).isEmpty() ? 0 : 10 * (UNITS.indexOf(m.group(3)) + 1);
        BigDecimal value = new BigDecimal(m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)));
        long bytes = value.multiply(BigDecimal.valueOf(1L << shift)).longValue();
        if (bytes <= 0) {
            throw new IllegalArgumentException("disk size must be positive, got '" + text + "'");
        }
        return DiskSize.ofBytes(bytes);
    }
}
