package io.pveq.sim.internal;

import java.util.Locale;

/** Disk sizes as Proxmox writes and reads them. */
public final class Sizes {

    private static final String UNITS = "KMGT";

    private Sizes() {
    }

    /** @return bytes of {@code 32G}, {@code 3584M}, {@code 1.5T}, {@code 1024} (bytes) */
    public static long parse(String text) {
        char last = text.charAt(text.length() - 1);
        int unit = UNITS.indexOf(Character.toUpperCase(last));
        String number = unit >= 0 ? text.substring(0, text.length() - 1) : text;
        double value = Double.parseDouble(number);
        return (long) (value * (unit >= 0 ? 1L << (10 * (unit + 1)) : 1));
    }

    /** @return the size in the largest whole unit: {@code 16G}, {@code 3584M}, {@code 4M} */
    public static String render(long bytes) {
        for (int unit = UNITS.length() - 1; unit >= 0; unit--) {
            long factor = 1L << (10 * (unit + 1));
            if (bytes >= factor && bytes % factor == 0) {
                return (bytes / factor) + String.valueOf(UNITS.charAt(unit));
            }
        }
        return Long.toString(bytes);
    }

    /** Proxmox's render_bytes with one decimal: {@code 3.5 GiB}, {@code 0.0 B}. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int index = 0;
        while (value >= 1024 && index < units.length - 1) {
            value /= 1024;
            index++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[index]);
    }
}
