package io.pveq.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The CLI reference of {@code qm} ({@code qm.1-synopsis.adoc}) of one PVE release: which subcommands
 * exist, their positional arguments and their options with the documented type text. Covers what
 * the API schema cannot: CLI-only commands ({@code qm disk import}, {@code qm importdisk} (an alias),
 * {@code qm status --verbose}) and the positional shape of every command. Also splits an argv list into
 * positionals and options the way pveq writes them ({@code --opt value}, options after positionals).
 * Immutable and thread-safe; cached per version.
 */
public final class PveCli {

    private static final Map<String, PveCli> CACHE = new ConcurrentHashMap<>();
    private static final Pattern HEADER = Pattern.compile("^\\*qm ([a-z\\- ]+?)\\*(?: `([^`]*)`)?.*$");
    private static final Pattern ALIAS = Pattern.compile("^An alias for 'qm ([a-z\\- ]+)'\\.");
    private static final Pattern OPTION = Pattern.compile("^`--([A-Za-z0-9_\\-\\[\\]]+)` `(.*?)`(?: \\(.*\\))?\\s*::");
    private static final Pattern RANGE = Pattern.compile("\\((-?\\d+) - (-?\\d+|N)\\)");
    private static final Set<String> BOOLEANS = Set.of("1", "0", "on", "off", "yes", "no", "true", "false");

    /**
     * One subcommand.
     *
     * @param name        e.g. {@code disk import}
     * @param positionals names of positional arguments in order (without {@code <>})
     * @param options     option name (without {@code --}, {@code net[n]} style) to documented type text
     */
    public record Command(String name, List<String> positionals, Map<String, String> options) {
    }

    /**
     * An argv list split into its parts.
     *
     * @param command     the subcommand words ({@code disk import})
     * @param positionals the positional values
     * @param options     option name to value, in order
     */
    public record ParsedArgv(String command, List<String> positionals, Map<String, String> options) {
    }

    private final Map<String, Command> commands;

    private PveCli(Map<String, Command> commands) {
        this.commands = commands;
    }

    /** Loads {@code qm.1-synopsis.adoc} of {@code pve8} or {@code pve9}, skipping the test when absent. */
    public static PveCli qm(String version) {
        Path file = PveSchema.referenceDir().resolve(version).resolve("qm.1-synopsis.adoc");
        Assumptions.assumeTrue(Files.isRegularFile(file), "skipped: " + file + " is absent");
        return CACHE.computeIfAbsent(version, v -> parse(file));
    }

    private static PveCli parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Command> commands = new LinkedHashMap<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        String current = null;
        for (String line : lines) {
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                current = h.group(1).strip();
                List<String> positionals = new ArrayList<>();
                Matcher p = Pattern.compile("<([a-z\\-_]+)>").matcher(h.group(2) == null ? "" : h.group(2));
                while (p.find()) {
                    positionals.add(p.group(1));
                }
                commands.put(current, new Command(current, positionals, new LinkedHashMap<>()));
                continue;
            }
            Matcher a = ALIAS.matcher(line);
            if (a.find() && current != null) {
                aliases.put(current, a.group(1));
                continue;
            }
            Matcher o = OPTION.matcher(line);
            if (o.find() && current != null) {
                commands.get(current).options().put(o.group(1), o.group(2));
            }
        }
        aliases.forEach((alias, target) -> {
            Command t = commands.get(target);
            if (t != null) {
                commands.put(alias, new Command(alias, t.positionals(), t.options()));
            }
        });
        Map<String, Command> frozen = new LinkedHashMap<>();
        commands.forEach((k, c) -> frozen.put(k, new Command(k, List.copyOf(c.positionals()), Map.copyOf(c.options()))));
        return new PveCli(Map.copyOf(frozen));
    }

    /** @return the subcommand, if documented ({@code create}, {@code disk import}, {@code importdisk}, ...) */
    public Optional<Command> command(String name) {
        return Optional.ofNullable(commands.get(name));
    }

    /**
     * Splits {@code qm ...} argv: the longest documented subcommand, then positionals up to the first
     * {@code --option}, then {@code --option value} pairs (a documented boolean may stand bare: value 1).
     *
     * @throws IllegalArgumentException when argv is not shaped that way
     */
    public ParsedArgv split(List<String> argv) {
        if (argv.isEmpty() || !argv.get(0).equals("qm")) {
            throw new IllegalArgumentException("not a qm command: " + argv);
        }
        String command = null;
        int next = 1;
        for (int words = Math.min(2, argv.size() - 1); words >= 1 && command == null; words--) {
            String candidate = String.join(" ", argv.subList(1, 1 + words));
            if (commands.containsKey(candidate)) {
                command = candidate;
                next = 1 + words;
            }
        }
        if (command == null) {
            throw new IllegalArgumentException("unknown qm subcommand in " + argv);
        }
        List<String> positionals = new ArrayList<>();
        while (next < argv.size() && !argv.get(next).startsWith("--")) {
            positionals.add(argv.get(next++));
        }
        Map<String, String> options = new LinkedHashMap<>();
        Command documented = commands.get(command);
        while (next < argv.size()) {
            String option = argv.get(next);
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("expected --option at " + next + " in " + argv);
            }
            String name = option.substring(2);
            boolean bare = next + 1 >= argv.size() || argv.get(next + 1).startsWith("--");
            String value;
            if (bare && "<boolean>".equals(documented.options().get(name))) {
                value = "1"; // a bare boolean flag, as qm allows
                next += 1;
            } else if (bare) {
                throw new IllegalArgumentException("option " + option + " has no value in " + argv);
            } else {
                value = argv.get(next + 1);
                next += 2;
            }
            if (options.put(name, value) != null) {
                throw new IllegalArgumentException("option " + option + " repeated in " + argv);
            }
        }
        return new ParsedArgv(command, List.copyOf(positionals), options);
    }

    /**
     * Checks a split command line against the synopsis: the subcommand exists, the number of positionals
     * matches, each option is documented (indexed options match {@code name[n]}), and values of
     * {@code <boolean>}, {@code <integer> (a - b)} and {@code <a | b | c>} options are allowed.
     */
    public List<SchemaViolation> validate(ParsedArgv parsed) {
        List<SchemaViolation> violations = new ArrayList<>();
        Command command = commands.get(parsed.command());
        if (command == null) {
            return List.of(new SchemaViolation("qm " + parsed.command(), "no such qm subcommand"));
        }
        if (parsed.positionals().size() != command.positionals().size()) {
            violations.add(new SchemaViolation("qm " + parsed.command(), "takes positionals "
                    + command.positionals() + ", got " + parsed.positionals()));
        }
        for (Map.Entry<String, String> option : parsed.options().entrySet()) {
            String typetext = command.options().get(option.getKey());
            if (typetext == null) {
                typetext = command.options().get(option.getKey().replaceFirst("\\d+$", "[n]"));
            }
            if (typetext == null) {
                violations.add(new SchemaViolation(option.getKey(), "not an option of qm " + parsed.command()));
                continue;
            }
            checkTypetext(option.getKey(), typetext, option.getValue(), violations);
        }
        return List.copyOf(violations);
    }

    private static void checkTypetext(String name, String typetext, String value, List<SchemaViolation> out) {
        if (typetext.equals("<boolean>")) {
            if (!BOOLEANS.contains(value.toLowerCase(Locale.ROOT))) {
                out.add(new SchemaViolation(name, "'" + value + "' is not a boolean"));
            }
        } else if (typetext.startsWith("<integer>")) {
            if (!value.matches("-?\\d+")) {
                out.add(new SchemaViolation(name, "'" + value + "' is not an integer"));
                return;
            }
            Matcher r = RANGE.matcher(typetext);
            long v = Long.parseLong(value);
            if (r.find() && (v < Long.parseLong(r.group(1)) || !r.group(2).equals("N") && v > Long.parseLong(r.group(2)))) {
                out.add(new SchemaViolation(name, value + " is outside " + r.group()));
            }
        } else if (typetext.matches("<[A-Za-z0-9_.\\-]+( \\| [A-Za-z0-9_.\\-]+)+>")) {
            List<String> allowed = List.of(typetext.substring(1, typetext.length() - 1).split(" \\| "));
            if (!allowed.contains(value)) {
                out.add(new SchemaViolation(name, "'" + value + "' is not one of " + allowed));
            }
        }
    }
}
