package io.pveq.core.internal.pve;

import io.pveq.core.StorageInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code pvesm status} table ({@code Name Type Status Total Used Available %}, right-aligned,
 * sizes in KiB; a disabled storage shows {@code disabled}, zeros and {@code N/A}). Stateless, thread-safe.
 */
public final class PvesmParsers {

    private PvesmParsers() {
    }

    /**
     * @param command the command line, for error messages
     * @param stdout  the table
     * @return one entry per storage row, sizes converted to bytes, content unknown (empty)
     * @throws UnexpectedOutputException when a row does not have the seven columns
     */
    public static List<StorageInfo> status(String command, String stdout) {
        List<StorageInfo> rows = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("Name ") || QmParsers.isPerlNoise(trimmed)) {
                continue;
            }
            String[] cols = trimmed.split("\\s+");
            if (cols.length != 7) {
                throw new UnexpectedOutputException(command, "expected 7 columns in '" + line + "'", stdout);
            }
            try {
                String status = cols[2];
                rows.add(new StorageInfo(cols[0], cols[1], Set.of(), status.equals("active"),
                        !status.equals("disabled"), false, kib(cols[3]), kib(cols[4]), kib(cols[5])));
            } catch (NumberFormatException e) {
                throw new UnexpectedOutputException(command, "bad number in '" + line + "'", stdout);
            }
        }
        return List.copyOf(rows);
    }

    private static long kib(String text) {
        return Math.multiplyExact(Long.parseLong(text), 1024L);
    }
}
