package io.pveq.sim.internal.params;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Parses argv the way Proxmox's CLI does (Getopt::Long over the command's schema): options as
 * {@code --opt value}, {@code -opt value} or {@code --opt=value}, before or after the positional
 * arguments; booleans as a bare flag or followed by {@code 1|0|on|off|yes|no|true|false}. Then every
 * value is checked against its rule; errors produce Proxmox's texts.
 */
public final class ArgParser {

    /** Options with a list format: Getopt collects repeats and Proxmox joins them with commas. */
    private static final java.util.Set<String> LIST_OPTIONS = java.util.Set.of("delete", "revert");

    private ArgParser() {
    }

    /**
     * @param spec the command
     * @param args the arguments after the command words
     * @return parameter name to value (booleans normalised to 1/0), positionals included
     * @throws ParamException with Proxmox's stderr text when the command line is rejected
     */
    public static Map<String, String> parse(CommandSpec spec, List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("-") && arg.length() > 1 && !arg.matches("-\\d+")) {
                if (arg.equals("--")) {
                    positional.addAll(args.subList(i + 1, args.size()));
                    break;
                }
                String name = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                Rule rule = spec.rules().get(name);
                if (rule == null) {
                    throw new ParamException("Unknown option: " + name + "\n400 unable to parse option\n"
                            + spec.usage() + "\n");
                }
                if (value == null) {
                    if (rule.isBoolean()) {
                        // Getopt "name:s": an optional value, taken when the next argument is no option
                        value = i + 1 < args.size() && !args.get(i + 1).startsWith("-") ? args.get(++i) : "";
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new ParamException("Option " + name + " requires an argument\n"
                                + "400 unable to parse option\n" + spec.usage() + "\n");
                    }
                }
                if (options.containsKey(name) && LIST_OPTIONS.contains(name)) {
                    value = options.get(name) + "," + value;
                }
                options.put(name, value);
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() < spec.positionals().size()) {
            throw new ParamException("400 not enough arguments\n" + spec.usage() + "\n");
        }
        if (positional.size() > spec.positionals().size()) {
            throw new ParamException("400 too many arguments\n" + spec.usage() + "\n");
        }
        for (Map.Entry<String, String> option : options.entrySet()) {
            Rule rule = spec.rules().get(option.getKey());
            if (rule.isBoolean()) {
                String value = option.getValue();
                if (value.isEmpty()) {
                    option.setValue("1");
                } else if (Rule.BOOLEAN.matcher(value).matches()) {
                    option.setValue(truth(value) ? "1" : "0");
                } else {
                    throw new ParamException("400 unable to parse boolean option\n" + spec.usage() + "\n");
                }
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < positional.size(); i++) {
            values.put(spec.positionals().get(i), positional.get(i));
        }
        options.keySet().removeAll(spec.positionals());
        values.putAll(options);
        Map<String, String> errors = check(spec.rules(), values);
        for (String required : spec.required()) {
            if (!values.containsKey(required)) {
                errors.put(required, "property is missing and it is not optional");
            }
        }
        if (!errors.isEmpty()) {
            StringBuilder text = new StringBuilder("400 Parameter verification failed.\n");
            errors.forEach((name, message) -> text.append(name).append(": ").append(message).append('\n'));
            text.append(spec.usage()).append('\n');
            throw new ParamException(text.toString());
        }
        return values;
    }

    /**
     * Checks values against their rules, as Proxmox's schema verification does for the CLI and the
     * API alike. Valid booleans are normalised to {@code 1}/{@code 0} in {@code values}; values
     * without a rule are left alone (the caller decides what an unknown parameter means).
     *
     * @return parameter name to Proxmox's message, sorted; empty when all are valid
     */
    public static Map<String, String> check(Map<String, Rule> rules, Map<String, String> values) {
        Map<String, String> errors = new TreeMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            Rule rule = rules.get(entry.getKey());
            if (rule == null) {
                continue;
            }
            Optional<String> error;
            try {
                error = rule.check(entry.getValue());
            } catch (StackOverflowError e) {
                // a pathological value for a pattern with nested repetition: it does not match
                error = Optional.of("value does not match the regex pattern");
            }
            if (error.isPresent()) {
                errors.put(entry.getKey(), error.get());
            } else if (rule.isBoolean()) {
                entry.setValue(truth(entry.getValue()) ? "1" : "0");
            }
        }
        return errors;
    }

    /** @return the truth of a valid boolean spelling */
    public static boolean truth(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "on", "yes", "true" -> true;
            default -> false;
        };
    }
}
