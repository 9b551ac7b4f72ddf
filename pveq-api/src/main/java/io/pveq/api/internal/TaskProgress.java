package io.pveq.api.internal;

import io.pveq.api.TaskEvent;
import io.pveq.api.Upid;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises progress in task log lines: disk imports and copies ({@code transferred 1.0 GiB of 2.0 GiB
 * (50.00%)}), migrations ({@code transferred 512.0 MiB of 4.0 GiB VM-state}), and any line ending in a
 * parenthesised percentage. Stateless.
 */
final class TaskProgress {

    private static final Pattern PERCENT = Pattern.compile("\\((\\d{1,3}(?:\\.\\d+)?)%\\)");
    private static final Pattern LEADING = Pattern.compile("^(?:INFO:\\s+|progress )(\\d{1,3})% \\(");
    private static final Pattern TRANSFERRED = Pattern.compile(
            "transferred:? ([\\d.]+) ?([KMGTP]?i?B)? (?:of|/) ([\\d.]+) ?([KMGTP]?i?B)?", Pattern.CASE_INSENSITIVE);

    private TaskProgress() {
    }

    static Optional<TaskEvent.Progress> parse(Upid upid, String line) {
        Matcher leading = LEADING.matcher(line);
        if (leading.find() && Integer.parseInt(leading.group(1)) <= 100) {
            return Optional.of(new TaskEvent.Progress(upid, OptionalDouble.of(Integer.parseInt(leading.group(1))), line));
        }
        Matcher percent = PERCENT.matcher(line);
        if (percent.find()) {
            double value = Double.parseDouble(percent.group(1));
            if (value <= 100) {
                return Optional.of(new TaskEvent.Progress(upid, OptionalDouble.of(value), line));
            }
        }
        Matcher transferred = TRANSFERRED.matcher(line);
        if (transferred.find()) {
            double done = bytes(transferred.group(1), transferred.group(2));
            double total = bytes(transferred.group(3), transferred.group(4));
            OptionalDouble value = total > 0 && done <= total ? OptionalDouble.of(100.0 * done / total)
                    : OptionalDouble.empty();
            return Optional.of(new TaskEvent.Progress(upid, value, line));
        }
        return Optional.empty();
    }

    private static double bytes(String number, String unit) {
        double value = Double.parseDouble(number);
        if (unit == null) {
            return value;
        }
        return switch (unit.toUpperCase(Locale.ROOT).charAt(0)) {
            case 'K' -> value * 1024;
            case 'M' -> value * 1024 * 1024;
            case 'G' -> value * 1024 * 1024 * 1024;
            case 'T' -> value * 1024 * 1024 * 1024 * 1024;
            case 'P' -> value * 1024 * 1024 * 1024 * 1024 * 1024;
            default -> value;
        };
    }
}
