package io.pveq.sim.internal.api;

import io.pveq.sim.internal.params.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parameter rules of the API face that the CLI face has no twin for (path variables, API-only options). */
final class ApiRules {

    static final Rule NODE = Rule.format(v -> v.matches("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?")
            ? Optional.empty() : Optional.of("value does not look like a valid node name"));
    static final Rule VMID = Rule.integer(100L, 999_999_999L);
    static final Rule STORAGE = Rule.format(v -> v.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")
            ? Optional.empty() : Optional.of("storage ID '" + v + "' contains illegal characters"));
    static final Rule CONFIG_ID = value -> !value.matches("(?i)[a-z][a-z0-9_]+")
            ? Optional.of("invalid format - invalid configuration ID '" + value + "'")
            : value.length() > 40 ? Optional.of("value may only be 40 characters long") : Optional.empty();
    static final Rule USERID = Rule.format(v -> v.matches("[^\\s:/]+@[A-Za-z][A-Za-z0-9.\\-_]+")
            && v.length() <= 64 ? Optional.empty() : Optional.of("value '" + v + "' does not look like a valid user name"));
    static final Rule AUTHID = Rule.format(v -> v.matches("[^\\s:/]+@[A-Za-z][A-Za-z0-9.\\-_]+(![A-Za-z][A-Za-z0-9.\\-_]+)?")
            ? Optional.empty() : Optional.of("value '" + v + "' does not look like a valid user or token name"));
    static final Rule CONTENT = Rule.oneOf("iso", "vztmpl", "import");
    static final Rule CHECKSUM_ALGORITHM = Rule.oneOf("md5", "sha1", "sha224", "sha256", "sha384", "sha512");

    private ApiRules() {
    }

    /** @return {@code base} plus {@code more} (later wins) */
    static Map<String, Rule> with(Map<String, Rule> base, Map<String, Rule> more) {
        Map<String, Rule> all = new java.util.HashMap<>(base);
        all.putAll(more);
        return all;
    }

    /** @return {@code ["qm", command, positionals..., "--name", value, ...]} from the call's parameters */
    static List<String> qm(ApiCall call, String command, String... positionals) {
        List<String> argv = new ArrayList<>(List.of("qm"));
        argv.addAll(List.of(command.split(" ")));
        for (String positional : positionals) {
            argv.add(call.params().getOrDefault(positional, ""));
        }
        call.params().forEach((name, value) -> {
            if (!name.equals("node") && !List.of(positionals).contains(name)) {
                argv.add("--" + name);
                argv.add(value);
            }
        });
        return argv;
    }
}
