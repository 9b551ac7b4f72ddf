package io.pveq.core.internal.pve;

import io.pveq.core.VmId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text outputs of {@code qm status}, {@code qm config} and {@code qm list}. Tolerant of what
 * real hosts add (blank lines, Perl warnings on stdout, nested verbose blocks), strict about what pveq
 * relies on: a missing {@code status:} line or an unreadable {@code qm list} row is an
 * {@link UnexpectedOutputException}. Stateless and thread-safe.
 */
public final class QmParsers {

    private static final Pattern KEY_VALUE = Pattern.compile("([A-Za-z0-9_\\-]+):(?: (.*))?");
    private static final Pattern LIST_HEADER = Pattern.compile("\\s*VMID\\s+NAME\\s+STATUS\\s+MEM\\(MB\\)\\s+"
            + "BOOTDISK\\(GB\\)\\s+PID\\s*");
    private static final Pattern LIST_ROW = Pattern.compile(
            "\\s*(\\d+)\\s+(.+?)\\s+(\\S+)\\s+(\\d+)\\s+(\\d+(?:\\.\\d+)?)\\s+(\\d+)\\s*");

    private QmParsers() {
    }

    /**
     * Parses {@code qm status VMID} (one {@code status: X} line) or its {@code --verbose} form.
     *
     * @param command the command line, for error messages
     * @param stdout  the output
     * @return the status
     * @throws UnexpectedOutputException when there is no {@code status:} line
     */
    public static VmStatus status(String command, String stdout) {
        Map<String, String> fields = topLevelFields(stdout);
        String status = fields.get("status");
        if (status == null || status.isEmpty()) {
            throw new UnexpectedOutputException(command, "no 'status:' line", stdout);
        }
        return new VmStatus(status, opt(fields, "qmpstatus"), opt(fields, "name"),
                opt(fields, "pid").flatMap(QmParsers::longValue), opt(fields, "uptime").flatMap(QmParsers::longValue),
                opt(fields, "lock"), fields.size() > 1 ? fields : Map.of());
    }

    /**
     * Parses {@code qm config VMID}. Stops at the first section header ({@code [snapshot]},
     * {@code [PENDING]}) so only the current configuration is read.
     *
     * @param command the command line, for error messages
     * @param stdout  the output
     * @return the configuration
     * @throws UnexpectedOutputException when a line is not {@code key: value}
     */
    public static VmConfig config(String command, String stdout) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : stdout.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("[")) {
                break;
            }
            Matcher m = KEY_VALUE.matcher(line);
            if (!m.matches()) {
                if (line.startsWith("#") || isPerlNoise(line)) {
                    continue;
                }
                throw new UnexpectedOutputException(command, "not a 'key: value' line: '" + line + "'", stdout);
            }
            entries.put(m.group(1), m.group(2) == null ? "" : m.group(2));
        }
        return new VmConfig(entries);
    }

    /**
     * Parses {@code qm list}: empty output means no VMs; the header is optional; names are not cut
     * and a VM without a name shows as {@code VM <id>}.
     *
     * @param command the command line, for error messages
     * @param stdout  the output
     * @return the rows in output order
     * @throws UnexpectedOutputException on a row that does not fit the column layout
     */
    public static List<VmListEntry> list(String command, String stdout) {
        List<VmListEntry> rows = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            if (line.isBlank() || LIST_HEADER.matcher(line).matches() || isPerlNoise(line)) {
                continue;
            }
            Matcher m = LIST_ROW.matcher(line);
            if (!m.matches()) {
                throw new UnexpectedOutputException(command, "not a qm list row: '" + line + "'", stdout);
            }
            rows.add(new VmListEntry(VmId.parse("vmid", m.group(1)), m.group(2).strip(), m.group(3),
                    Long.parseLong(m.group(4)), Double.parseDouble(m.group(5)), Long.parseLong(m.group(6))));
        }
        return List.copyOf(rows);
    }

    static Map<String, String> topLevelFields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
                continue; // nested verbose blocks (blockstat, nics, ha, proxmox-support) are indented
            }
            Matcher m = KEY_VALUE.matcher(line);
            if (m.matches() && m.group(2) != null) {
                fields.put(m.group(1), m.group(2).strip());
            }
        }
        return fields;
    }

    /** Perl warnings Proxmox tools sometimes print to stdout ("Use of uninitialized value ... line 115."). */
    static boolean isPerlNoise(String line) {
        return line.matches(".* at /usr/share/perl5/.* line \\d+\\.?") || line.startsWith("WARN: ")
                || line.startsWith("warning: ");
    }

    private static Optional<String> opt(Map<String, String> fields, String key) {
        return Optional.ofNullable(fields.get(key)).filter(v -> !v.isEmpty());
    }

    private static Optional<Long> longValue(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
