package io.pveq.sim.internal.params;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One CLI command: its words ({@code qm create}), positional parameters with their rules, options
 * and which options are required.
 *
 * @param words       e.g. {@code qm}, {@code disk}, {@code import}
 * @param positionals positional parameter names in order
 * @param rules       rules for positionals and options by name
 * @param required    required option names (positionals are always required)
 */
public record CommandSpec(List<String> words, List<String> positionals, Map<String, Rule> rules,
                          Set<String> required) {

    public CommandSpec {
        words = List.copyOf(words);
        positionals = List.copyOf(positionals);
        rules = Map.copyOf(rules);
        required = Set.copyOf(required);
    }

    /** @return the usage line Proxmox prints after a parameter error */
    public String usage() {
        StringBuilder line = new StringBuilder(String.join(" ", words));
        for (String positional : positionals) {
            line.append(" <").append(positional).append('>');
        }
        boolean hasOptions = rules.keySet().stream().anyMatch(name -> !positionals.contains(name));
        if (hasOptions) {
            line.append(" [OPTIONS]");
        }
        return line.toString();
    }
}
