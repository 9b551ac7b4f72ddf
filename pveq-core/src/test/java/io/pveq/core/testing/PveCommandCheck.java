package io.pveq.core.testing;

import io.pveq.core.internal.pve.SshKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks one command line (argv) against the real PVE schema of one release: a {@code qm}
 * argv against the CLI synopsis (subcommand, positionals, documented options) and, where the command has
 * an API endpoint, every parameter against {@code apidata.js}; a {@code pvesh get} argv against the
 * endpoint of its path; {@code pvesm status} against {@code GET /nodes/{node}/storage}.
 *
 * <p>{@code qm --sshkeys} takes a file path, while the API takes the URL-encoded keys: callers pass
 * the file's content, and the check validates what qm would send, encoded by {@link SshKeys#encode}.
 */
public final class PveCommandCheck {

    private static final String VM = "/nodes/{node}/qemu/{vmid}";
    private static final Map<String, String[]> QM_ENDPOINTS = Map.ofEntries(
            Map.entry("create", new String[] {"POST", "/nodes/{node}/qemu"}),
            Map.entry("set", new String[] {"POST", VM + "/config"}),
            Map.entry("resize", new String[] {"PUT", VM + "/resize"}),
            Map.entry("start", new String[] {"POST", VM + "/status/start"}),
            Map.entry("stop", new String[] {"POST", VM + "/status/stop"}),
            Map.entry("shutdown", new String[] {"POST", VM + "/status/shutdown"}),
            Map.entry("reboot", new String[] {"POST", VM + "/status/reboot"}),
            Map.entry("destroy", new String[] {"DELETE", VM}),
            Map.entry("migrate", new String[] {"POST", VM + "/migrate"}),
            Map.entry("status", new String[] {"GET", VM + "/status/current"}),
            Map.entry("config", new String[] {"GET", VM + "/config"}),
            Map.entry("list", new String[] {"GET", "/nodes/{node}/qemu"}),
            Map.entry("cloudinit dump", new String[] {"GET", VM + "/cloudinit/dump"}));
    /** CLI-only options that format output rather than reach the API. */
    private static final Map<String, List<String>> CLI_ONLY = Map.of("status", List.of("verbose"));

    private final String version;
    private final PveSchema schema;
    private final PveCli cli;

    /**
     * @param version {@code pve8} or {@code pve9}; skips the test when the reference data is absent
     */
    public PveCommandCheck(String version) {
        this.version = version;
        this.schema = PveSchema.load(version);
        this.cli = PveCli.qm(version);
    }

    /**
     * @param version {@code pve8} or {@code pve9}
     * @return the check, or empty when the reference data is absent (a clone without {@code ../shared}): the
     *         caller's test still runs, without the schema check
     */
    public static java.util.Optional<PveCommandCheck> ifAvailable(String version) {
        return PveSchema.available(version) ? java.util.Optional.of(new PveCommandCheck(version))
                : java.util.Optional.empty();
    }

    /** @return {@code pve8} or {@code pve9} */
    public String version() {
        return version;
    }

    /**
     * @param argv           a {@code qm}, {@code pvesh get} or {@code pvesm status} command line
     * @param sshKeysContent the content of the file named by {@code --sshkeys}, if the argv has one
     * @return the violations, empty when PVE would accept the command line
     */
    public List<SchemaViolation> check(List<String> argv, Optional<String> sshKeysContent) {
        return switch (argv.get(0)) {
            case "qm" -> checkQm(argv, sshKeysContent);
            case "pvesh" -> checkPvesh(argv);
            case "pvesm" -> checkPvesm(argv);
            default -> List.of(new SchemaViolation(argv.get(0), "unknown program"));
        };
    }

    private List<SchemaViolation> checkQm(List<String> argv, Optional<String> sshKeysContent) {
        PveCli.ParsedArgv parsed;
        try {
            parsed = cli.split(argv);
        } catch (IllegalArgumentException e) {
            return List.of(new SchemaViolation("argv", e.getMessage()));
        }
        List<SchemaViolation> violations = new ArrayList<>(cli.validate(parsed));
        String[] endpoint = QM_ENDPOINTS.get(parsed.command());
        PveCli.Command command = cli.command(parsed.command()).orElseThrow();
        if (endpoint == null) {
            return violations; // CLI-only command (disk import, importdisk): the synopsis is the schema
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("node", "pve1");
        for (int i = 0; i < Math.min(command.positionals().size(), parsed.positionals().size()); i++) {
            params.put(command.positionals().get(i), parsed.positionals().get(i));
        }
        for (Map.Entry<String, String> o : parsed.options().entrySet()) {
            if (CLI_ONLY.getOrDefault(parsed.command(), List.of()).contains(o.getKey())) {
                continue;
            }
            if (o.getKey().equals("sshkeys")) {
                if (!o.getValue().startsWith("/")) {
                    violations.add(new SchemaViolation("sshkeys", "qm takes a file path, got " + o.getValue()));
                }
                params.put("sshkeys", SshKeys.encode(sshKeysContent.orElseThrow(
                        () -> new IllegalArgumentException("argv has --sshkeys but no file content was given"))));
            } else {
                params.put(o.getKey(), o.getValue());
            }
        }
        violations.addAll(schema.validate(endpoint[0], endpoint[1], params));
        return violations;
    }

    private List<SchemaViolation> checkPvesh(List<String> argv) {
        if (argv.size() < 3 || !argv.get(1).equals("get")) {
            return List.of(new SchemaViolation("pvesh", "pveq only uses pvesh get: " + argv));
        }
        var match = schema.matchPath(argv.get(2));
        if (match.isEmpty()) {
            return List.of(new SchemaViolation(argv.get(2), "no such API path in " + version));
        }
        Map<String, String> params = new LinkedHashMap<>(match.get().getValue());
        List<SchemaViolation> violations = new ArrayList<>();
        for (int i = 3; i < argv.size(); i += 2) {
            if (!argv.get(i).startsWith("--") || i + 1 >= argv.size()) {
                violations.add(new SchemaViolation("argv", "expected --option value at " + i + " in " + argv));
                break;
            }
            String name = argv.get(i).substring(2);
            if (name.equals("output-format")) {
                if (!List.of("json", "json-pretty", "text", "yaml").contains(argv.get(i + 1))) {
                    violations.add(new SchemaViolation(name, "not a pvesh output format: " + argv.get(i + 1)));
                }
            } else {
                params.put(name, argv.get(i + 1));
            }
        }
        violations.addAll(schema.validate("GET", match.get().getKey(), params));
        return violations;
    }

    private List<SchemaViolation> checkPvesm(List<String> argv) {
        if (argv.size() < 2 || !argv.get(1).equals("status")) {
            return List.of(new SchemaViolation("pvesm", "pveq only uses pvesm status: " + argv));
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("node", "pve1");
        for (int i = 2; i + 1 < argv.size(); i += 2) {
            params.put(argv.get(i).replaceFirst("^--", ""), argv.get(i + 1));
        }
        if (argv.size() % 2 != 0) {
            return List.of(new SchemaViolation("argv", "dangling option in " + argv));
        }
        return schema.validate("GET", "/nodes/{node}/storage", params);
    }
}
