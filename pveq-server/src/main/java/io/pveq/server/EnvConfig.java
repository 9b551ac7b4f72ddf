package io.pveq.server;

import io.pveq.core.AddressingMode;
import io.pveq.core.CpuLevel;
import io.pveq.core.GuestAccessMode;
import io.pveq.core.GuestInitOptions;
import io.pveq.core.ImagePlacement;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.Secret;
import io.pveq.core.VmLimits;
import io.pveq.server.internal.DotEnv;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole configuration, read from environment variables (with {@code .env} in the working
 * directory supplying those the environment does not set). Every variable of SPEC.md section 1
 * keeps the reference's meaning; pveq's own are listed in {@link #VARIABLES}. With none of
 * {@code GATEWAY}, {@code MAIN_NODE}, {@code NODE_<name>}, {@code ASSIGN_STORAGE} set the server runs
 * on the simulated cluster ({@link #simulated()}). Any malformed value throws
 * {@link InvalidSpecException} naming the variable. Immutable.
 */
public final class EnvConfig {

    /** Every variable the server reads, besides {@code NODE_<name>}. */
    public static final Set<String> VARIABLES = Set.copyOf(new TreeSet<>(Arrays.asList(
            "PORT", "GATEWAY", "MAIN_NODE", "ASSIGN_STORAGE", "ASSIGN_IP_START", "ASSIGN_IP_END", "ALLOW_IPS",
            "VM_MAX_CPU", "VM_MAX_RAM", "VM_MAX_DISK", "VM_BALLOON_MIN", "VM_ROOT_PASSWORD",
            "PREFIX_LENGTH", "IP_POOL", "BRIDGE", "NAMESERVERS", "SEARCH_DOMAIN", "CPU_TYPE", "NODE_HEAVY_TASKS",
            "BIND_ADDRESS", "API_TOKEN", "TRUSTED_PROXIES", "CORS_ORIGINS", "MAX_BODY_BYTES", "JOB_WORKERS",
            "JOB_QUEUE", "SHUTDOWN_MODE", "SHUTDOWN_TIMEOUT", "SSE_HEARTBEAT", "HTTP_MAX_THREADS", "SH_DIR",
            "TRANSPORT", "SSH_USER", "SSH_PORT", "SSH_KEY", "SSH_KNOWN_HOSTS", "SSH_HOST_KEY_POLICY",
            "GUEST_SSH_KEY", "IMAGE_CACHE_DIR", "IMAGE_MIRROR_DEBIAN", "IMAGE_MIRROR_UBUNTU",
            "IMAGE_MIRROR_ROCKYLINUX", "LOG_LEVEL", "SIM_SPEED", "SIM_API_PORT", "LIST_CACHE_MS",
            "DATA_DIR", "JOB_STORE_URL", "JOB_STORE_USER", "JOB_STORE_PASSWORD", "INSTANCE_ID", "JOB_LEASE",
            "JOB_RETENTION", "JOB_HISTORY", "SIM_STATE_DIR", "PVE_API_URL", "PVE_API_TOKEN", "PVE_API_TOKEN_FILE",
            "PVE_API_FINGERPRINT", "PVE_API_CA", "GUEST_ACCESS", "IMAGE_PLACEMENT", "ADDRESS_PROBE", "GUEST_TIMEZONE",
            "GUEST_LOCALE", "GUEST_PACKAGES", "GUEST_MIRROR_DEBIAN", "GUEST_MIRROR_UBUNTU", "GUEST_MIRROR_ROCKYLINUX",
            "SIM_GUESTS", "SIM_GUEST_IMAGES", "SSH_READY_TIMEOUT", "INIT_SCRIPT_TIMEOUT")));

    /** The variables whose presence means "a real cluster is configured". */
    public static final List<String> CLUSTER_VARIABLES = List.of("GATEWAY", "MAIN_NODE", "ASSIGN_STORAGE");

    /** Node names and addresses of the simulated cluster. */
    static final Map<String, String> SIM_NODES = new LinkedHashMap<>(Map.of(
            "pve1", "127.0.10.11", "pve2", "127.0.10.12", "pve3", "127.0.10.13"));
    /** Gateway of the simulated network: VMs get 127.0.10.VMID, all loopback. */
    static final String SIM_GATEWAY = "127.0.10.1";
    /** Storage of the simulated cluster that holds imported disks. */
    static final String SIM_STORAGE = "local-lvm";

    private final ServerConfig server;
    private final ProvisionerSettings settings;
    private final NodeName mainNode;
    private final Map<NodeName, String> nodeAddresses;
    private final BackendConfig backend;
    private final StateConfig state;
    private final boolean simulated;
    private final List<String> unknown;

    private EnvConfig(ServerConfig server, ProvisionerSettings settings, NodeName mainNode,
                      Map<NodeName, String> nodeAddresses, BackendConfig backend, StateConfig state,
                      boolean simulated, List<String> unknown) {
        this.server = server;
        this.settings = settings;
        this.mainNode = mainNode;
        this.nodeAddresses = Collections.unmodifiableMap(new TreeMap<>(nodeAddresses));
        this.backend = backend;
        this.state = state;
        this.simulated = simulated;
        this.unknown = unknown;
    }

    /**
     * Reads {@code <dir>/.env} and the process environment (which wins over the file).
     *
     * @param dir the working directory
     * @return the configuration
     * @throws InvalidSpecException naming the variable at fault
     */
    public static EnvConfig fromEnvironment(Path dir) {
        Map<String, String> fromFile = DotEnv.read(dir.resolve(".env"));
        Map<String, String> all = new HashMap<>(fromFile);
        all.putAll(System.getenv());
        EnvConfig config = load(all);
        List<String> unknownInFile = fromFile.keySet().stream().filter(k -> !known(k)).sorted().toList();
        return new EnvConfig(config.server, config.settings, config.mainNode, config.nodeAddresses, config.backend,
                config.state, config.simulated, unknownInFile);
    }

    /**
     * @param env the variables (unrelated ones are ignored)
     * @return the configuration
     * @throws InvalidSpecException naming the variable at fault
     */
    public static EnvConfig load(Map<String, String> env) {
        Vars v = new Vars(env);
        Map<String, String> nodes = new TreeMap<>();
        env.forEach((k, val) -> {
            if (isNodeVariable(k)) {
                nodes.put(k.substring("NODE_".length()), val == null ? "" : val.strip());
            }
        });
        boolean api = v.text("TRANSPORT", "local").equals("api");
        boolean simulated = nodes.isEmpty() && CLUSTER_VARIABLES.stream().noneMatch(v::isSet) && !v.isSet("PVE_API_URL");
        ProvisionerSettings.Builder b = ProvisionerSettings.builder();
        NodeName mainNode;
        Map<NodeName, String> addresses = new TreeMap<>();
        if (simulated) {
            mainNode = NodeName.of("pve1");
            b.storage(SIM_STORAGE).gateway(Ipv4Address.of(SIM_GATEWAY));
            SIM_NODES.forEach((name, address) -> addresses.put(NodeName.of(name), address));
        } else {
            for (String name : CLUSTER_VARIABLES) {
                if (!(api && name.equals("MAIN_NODE"))) { // over the API the nodes are discovered
                    v.required(name);
                }
            }
            mainNode = v.isSet("MAIN_NODE") ? named("MAIN_NODE", () -> NodeName.of(v.text("MAIN_NODE", null))) : null;
            b.storage(v.text("ASSIGN_STORAGE", null))
                    .gateway(Ipv4Address.parse("GATEWAY", v.text("GATEWAY", null)));
            nodes.forEach((name, address) -> {
                NodeName node = named("NODE_" + name, () -> NodeName.of(name));
                if (!HOST.matcher(address).matches()) {
                    throw new InvalidSpecException("NODE_" + name, "must be an IPv4 address or host name, got '"
                            + InvalidSpecException.shorten(address) + "'");
                }
                addresses.put(node, address);
            });
        }
        if (mainNode != null) {
            b.mainNode(mainNode);
        }
        if (v.isSet("GUEST_ACCESS")) {
            b.guestAccess(GuestAccessMode.parse("GUEST_ACCESS", v.text("GUEST_ACCESS", null)));
        }
        if (v.isSet("IMAGE_PLACEMENT")) {
            b.imagePlacement(ImagePlacement.parse("IMAGE_PLACEMENT", v.text("IMAGE_PLACEMENT", null)));
        }
        if (v.isSet("IP_POOL")) {
            if (v.isSet("ASSIGN_IP_START") || v.isSet("ASSIGN_IP_END")) {
                throw new InvalidSpecException("IP_POOL", "cannot be combined with ASSIGN_IP_START/ASSIGN_IP_END");
            }
            b.addressing(named("IP_POOL", () -> AddressingMode.Pool.parse(v.text("IP_POOL", null))));
        } else {
            int start = v.integer("ASSIGN_IP_START", 100);
            int end = v.integer("ASSIGN_IP_END", 254);
            b.addressing(named(null, () -> new AddressingMode.VmidOctet(start, end)));
        }
        b.prefixLength(v.integer("PREFIX_LENGTH", 24));
        b.bridge(v.text("BRIDGE", "vmbr0"));
        List<Ipv4Address> nameservers = new ArrayList<>();
        for (String part : v.list("NAMESERVERS")) {
            nameservers.add(Ipv4Address.parse("NAMESERVERS", part));
        }
        b.nameservers(nameservers);
        String domain = v.text("SEARCH_DOMAIN", "");
        b.searchDomain(domain.isEmpty() ? null : domain);
        String cpuType = v.text("CPU_TYPE", "");
        b.cpuType(cpuType.isEmpty() ? null : CpuLevel.fromModel("CPU_TYPE", cpuType));
        b.heavyTasksPerNode(v.integer("NODE_HEAVY_TASKS", 2));
        b.limits(named(null, () -> new VmLimits(v.optionalInt("VM_MAX_CPU"), v.optionalInt("VM_MAX_RAM"),
                v.optionalInt("VM_MAX_DISK"), v.optionalInt("VM_BALLOON_MIN"))));
        String rootPassword = env.getOrDefault("VM_ROOT_PASSWORD", "");
        b.rootPassword(rootPassword.isEmpty() ? null : Secret.of(rootPassword));
        Map<String, URI> guestMirrors = new TreeMap<>();
        for (String os : List.of("debian", "ubuntu", "rockylinux")) {
            String name = "GUEST_MIRROR_" + os.toUpperCase(java.util.Locale.ROOT);
            if (v.isSet(name)) {
                guestMirrors.put(os, v.url(name));
            }
        }
        if (simulated && "qemu".equals(v.text("SIM_GUESTS", "")) && !guestMirrors.containsKey("debian")) {
            // real guests reach the simulator's package repository at their gateway (127.0.10.1 is
            // 10.0.10.1 inside a guest: see pveq-sim's GuestLan)
            guestMirrors.put("debian", URI.create("http://10.0.10.1/debian"));
        }
        b.guestInit(new GuestInitOptions(Optional.ofNullable(v.text("GUEST_TIMEZONE", null)),
                Optional.ofNullable(v.text("GUEST_LOCALE", null)),
                List.of(v.text("GUEST_PACKAGES", "").split("\\s+")).stream().filter(p -> !p.isEmpty()).toList(),
                guestMirrors));
        Duration retention = Duration.ofHours(v.integer("JOB_RETENTION", 24));
        ProvisionerSettings.Timeouts defaults = ProvisionerSettings.Timeouts.DEFAULTS;
        int sshReady = v.integer("SSH_READY_TIMEOUT", (int) defaults.sshReady().toSeconds());
        int initScript = v.integer("INIT_SCRIPT_TIMEOUT", (int) defaults.initScript().toSeconds());
        if (sshReady < 10 || sshReady > 86_400) {
            throw new InvalidSpecException("SSH_READY_TIMEOUT", "must be between 10 and 86400 seconds, got " + sshReady);
        }
        if (initScript < 10 || initScript > 86_400) {
            throw new InvalidSpecException("INIT_SCRIPT_TIMEOUT", "must be between 10 and 86400 seconds, got " + initScript);
        }
        b.timeouts(new ProvisionerSettings.Timeouts(defaults.command(), defaults.longCommand(),
                Duration.ofSeconds(sshReady), Duration.ofSeconds(initScript), defaults.shutdown(),
                defaults.addressProbe(), defaults.cpuLevelCache(), retention));
        ProvisionerSettings settings = named(null, b::build);

        ServerConfig server = ServerConfig.builder()
                .bindAddress(v.text("BIND_ADDRESS", "0.0.0.0"))
                .port(v.integer("PORT", 8080))
                .apiToken(env.getOrDefault("API_TOKEN", "").strip())
                .allowIps(v.isSet("ALLOW_IPS") ? AddressRanges.parse("ALLOW_IPS", v.text("ALLOW_IPS", null))
                        : AddressRanges.EVERYONE)
                .trustedProxies(AddressRanges.parse("TRUSTED_PROXIES", v.text("TRUSTED_PROXIES", "")))
                .corsOrigins(v.list("CORS_ORIGINS"))
                .maxBodyBytes(v.integer("MAX_BODY_BYTES", 64 * 1024))
                .jobs(v.integer("JOB_WORKERS", 4), v.integer("JOB_QUEUE", 32))
                .shutdown(ShutdownMode.parse(v.text("SHUTDOWN_MODE", "cancel")),
                        Duration.ofSeconds(v.integer("SHUTDOWN_TIMEOUT", 300)))
                .sseHeartbeat(Duration.ofSeconds(v.integer("SSE_HEARTBEAT", 15)))
                .httpMaxThreads(v.integer("HTTP_MAX_THREADS", 1024))
                .listMaxAge(Duration.ofMillis(v.integer("LIST_CACHE_MS", 1000)))
                .shDir(v.isSet("SH_DIR") ? v.path("SH_DIR", null, System.getProperty("user.home", ".")) : null)
                .build();
        if (server.allowIps().isEmpty()) {
            throw new InvalidSpecException("ALLOW_IPS", "lists no address; use 0.0.0.0 to allow everyone");
        }

        String home = System.getProperty("user.home", ".");
        Map<String, URI> mirrors = new TreeMap<>();
        for (String os : List.of("debian", "ubuntu", "rockylinux")) {
            String name = "IMAGE_MIRROR_" + os.toUpperCase(java.util.Locale.ROOT);
            if (v.isSet(name)) {
                mirrors.put(os, v.url(name));
            }
        }
        String level = v.text("LOG_LEVEL", "INFO");
        if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(level.toUpperCase(java.util.Locale.ROOT))) {
            throw new InvalidSpecException("LOG_LEVEL", "must be ERROR, WARN, INFO, DEBUG or TRACE, got '"
                    + InvalidSpecException.shorten(level) + "'");
        }
        String policy = v.text("SSH_HOST_KEY_POLICY", "known_hosts");
        if (!policy.equals("known_hosts") && !policy.equals("accept-any")) {
            throw new InvalidSpecException("SSH_HOST_KEY_POLICY", "must be known_hosts or accept-any, got '"
                    + InvalidSpecException.shorten(policy) + "'");
        }
        BackendConfig backend = new BackendConfig(BackendConfig.Transport.parse(v.text("TRANSPORT", "local")),
                v.text("SSH_USER", "root"), v.integer("SSH_PORT", 22),
                v.path("SSH_KEY", home + "/.ssh/id_ed25519", home),
                v.path("SSH_KNOWN_HOSTS", home + "/.ssh/known_hosts", home), policy.equals("accept-any"),
                v.path("GUEST_SSH_KEY", home + "/.pveq/guest_ed25519", home),
                v.isSet("IMAGE_CACHE_DIR") ? Optional.of(v.path("IMAGE_CACHE_DIR", null, home)) : Optional.empty(), mirrors,
                v.decimal("SIM_SPEED", 10), v.integer("SIM_API_PORT", 8006), api && !simulated ? Optional.of(apiConfig(v, env, home))
                        : Optional.empty(), probe(v), BackendConfig.SimGuests.parse(v.text("SIM_GUESTS", "simulated")),
                v.isSet("SIM_GUEST_IMAGES") ? Optional.of(v.path("SIM_GUEST_IMAGES", null, home)) : Optional.empty());
        if (!simulated && backend.transport() != BackendConfig.Transport.API && mainNode == null) {
            throw new InvalidSpecException("MAIN_NODE", "is required, e.g. pve1 (only TRANSPORT=api discovers the nodes)");
        }
        if (!simulated && backend.transport() == BackendConfig.Transport.SSH && !addresses.containsKey(mainNode)) {
            throw new InvalidSpecException("NODE_" + mainNode, "is required with TRANSPORT=ssh"
                    + " (the address of the main node)");
        }
        StateConfig state = new StateConfig(v.path("DATA_DIR", "data", home),
                StateConfig.Store.parse(v.text("JOB_STORE_URL", "")), v.text("JOB_STORE_USER", "pveq"),
                v.isSet("JOB_STORE_PASSWORD") ? Optional.of(io.pveq.core.Secret.of(env.get("JOB_STORE_PASSWORD").strip()))
                        : Optional.empty(),
                v.isSet("INSTANCE_ID") ? Optional.of(v.text("INSTANCE_ID", null)) : Optional.empty(),
                Duration.ofSeconds(v.integer("JOB_LEASE", 15)), retention, v.integer("JOB_HISTORY", 1000),
                v.isSet("SIM_STATE_DIR") ? Optional.of(v.path("SIM_STATE_DIR", null, home)) : Optional.empty());
        if (!simulated && state.simState().isPresent()) {
            throw new InvalidSpecException("SIM_STATE_DIR", "is for the simulated cluster only; a real cluster is configured");
        }
        return new EnvConfig(server, settings, mainNode, addresses, backend, state, simulated, List.of());
    }

    private static boolean known(String name) {
        return VARIABLES.contains(name) || isNodeVariable(name);
    }

    /**
     * @param name an environment variable name
     * @return true for {@code NODE_<name>} node addresses; names after {@code NODE_} made only of
     *         upper-case letters and underscores belong to other tools ({@code NODE_ENV},
     *         {@code NODE_OPTIONS}, {@code NODE_EXTRA_CA_CERTS}) and are not nodes
     */
    public static boolean isNodeVariable(String name) {
        return name.startsWith("NODE_") && !VARIABLES.contains(name) && !name.substring(5).matches("[A-Z_]*");
    }

    /** @return the HTTP side */
    public ServerConfig server() {
        return server;
    }

    /** @return the site settings (the simulated cluster's when {@link #simulated()}) */
    public ProvisionerSettings settings() {
        return settings;
    }

    /** @return {@code MAIN_NODE} (the simulated cluster's {@code pve1}); empty over the API when not set */
    public Optional<NodeName> mainNode() {
        return Optional.ofNullable(mainNode);
    }

    /** @return {@code NODE_<name>} addresses by node, sorted (the simulated nodes' when {@link #simulated()}) */
    public Map<NodeName, String> nodeAddresses() {
        return nodeAddresses;
    }

    /** @return the main node and every node with an address, sorted */
    public List<NodeName> configuredNodes() {
        TreeSet<NodeName> all = new TreeSet<>(nodeAddresses.keySet());
        if (mainNode != null) {
            all.add(mainNode);
        }
        return List.copyOf(all);
    }

    /** @return transports and images */
    public BackendConfig backend() {
        return backend;
    }

    /** @return the job store, instance and simulated state settings */
    public StateConfig state() {
        return state;
    }

    /** @return true when no cluster is configured and the server runs on the simulated one */
    public boolean simulated() {
        return simulated;
    }

    /** @return names in {@code .env} that are no pveq variable (probably typos), sorted */
    public List<String> unknownDotEnvNames() {
        return unknown;
    }

    private static ApiConfig apiConfig(Vars v, Map<String, String> env, String home) {
        URI url = v.url("PVE_API_URL");
        String token;
        if (v.isSet("PVE_API_TOKEN") == v.isSet("PVE_API_TOKEN_FILE")) {
            throw new InvalidSpecException("PVE_API_TOKEN", (v.isSet("PVE_API_TOKEN") ? "cannot be combined with"
                    + " PVE_API_TOKEN_FILE" : "or PVE_API_TOKEN_FILE is required with TRANSPORT=api")
                    + ": USER@REALM!TOKENID=SECRET, e.g. pveq@pve!prov=aaaaaaaa-...");
        } else if (v.isSet("PVE_API_TOKEN")) {
            token = env.get("PVE_API_TOKEN").strip();
        } else {
            Path file = v.path("PVE_API_TOKEN_FILE", null, home);
            try {
                token = java.nio.file.Files.readString(file).strip();
            } catch (java.io.IOException e) {
                throw new InvalidSpecException("PVE_API_TOKEN_FILE", "cannot read " + file + ": " + e.getMessage());
            }
        }
        if (!token.matches("[^@\\s!=]+@[^@\\s!=]+![A-Za-z][A-Za-z0-9._-]*=\\S+")) {
            throw new InvalidSpecException(v.isSet("PVE_API_TOKEN") ? "PVE_API_TOKEN" : "PVE_API_TOKEN_FILE",
                    "must be USER@REALM!TOKENID=SECRET");
        }
        return new ApiConfig(url, Secret.of(token),
                v.isSet("PVE_API_FINGERPRINT") ? Optional.of(v.text("PVE_API_FINGERPRINT", null)) : Optional.empty(),
                v.isSet("PVE_API_CA") ? Optional.of(v.path("PVE_API_CA", null, home)) : Optional.empty());
    }

    private static boolean probe(Vars v) {
        String text = v.text("ADDRESS_PROBE", "network");
        return switch (text) {
            case "network" -> true;
            case "off" -> false;
            default -> throw new InvalidSpecException("ADDRESS_PROBE", "must be network or off, got '"
                    + InvalidSpecException.shorten(text) + "'");
        };
    }

    /** Core's name of a setting, as {@link InvalidSpecException#field()} gives it, to the variable that sets it. */
    private static final Map<String, String> VARIABLE_OF = Map.ofEntries(
            Map.entry("mainNode", "MAIN_NODE"), Map.entry("storage", "ASSIGN_STORAGE"), Map.entry("gateway", "GATEWAY"),
            Map.entry("prefixLength", "PREFIX_LENGTH"), Map.entry("ipRangeStart", "ASSIGN_IP_START"),
            Map.entry("ipRangeEnd", "ASSIGN_IP_END"), Map.entry("ipPool", "IP_POOL"), Map.entry("bridge", "BRIDGE"),
            Map.entry("nameservers", "NAMESERVERS"), Map.entry("searchDomain", "SEARCH_DOMAIN"),
            Map.entry("maxCpu", "VM_MAX_CPU"), Map.entry("maxRamMb", "VM_MAX_RAM"), Map.entry("maxDiskGb", "VM_MAX_DISK"),
            Map.entry("balloonMinMb", "VM_BALLOON_MIN"), Map.entry("rootPassword", "VM_ROOT_PASSWORD"),
            Map.entry("cpuType", "CPU_TYPE"), Map.entry("heavyTasksPerNode", "NODE_HEAVY_TASKS"));

    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /**
     * Runs a step of core's that validates, and names the environment variable in its error: {@code variable},
     * or (null) the variable of the setting core names.
     */
    private static <T> T named(String variable, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidSpecException e) {
            String name = variable != null ? variable : VARIABLE_OF.getOrDefault(e.field(), e.field());
            throw e.field().equals(name) ? e : new InvalidSpecException(name, e.rule());
        }
    }

    /** Typed access naming the variable in every error. */
    private static final class Vars {
        private final Map<String, String> env;

        Vars(Map<String, String> env) {
            this.env = env;
        }

        boolean isSet(String name) {
            String val = env.get(name);
            return val != null && !val.isBlank();
        }

        void required(String name) {
            if (!isSet(name)) {
                throw new InvalidSpecException(name, "is required when a cluster is configured (set GATEWAY,"
                        + " MAIN_NODE, NODE_<name> and ASSIGN_STORAGE, or none of them for the simulated cluster)");
            }
        }

        String text(String name, String fallback) {
            return isSet(name) ? env.get(name).strip() : fallback;
        }

        int integer(String name, int fallback) {
            return isSet(name) ? parseInt(name, env.get(name).strip()) : fallback;
        }

        OptionalInt optionalInt(String name) {
            return isSet(name) ? OptionalInt.of(parseInt(name, env.get(name).strip())) : OptionalInt.empty();
        }

        List<String> list(String name) {
            if (!isSet(name)) {
                return List.of();
            }
            return Arrays.stream(env.get(name).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }

        Path path(String name, String fallback, String home) {
            String text = text(name, fallback);
            if (text.indexOf('\0') >= 0) {
                throw new InvalidSpecException(name, "must be a file path");
            }
            return Path.of(text.equals("~") ? home : text.startsWith("~/") ? home + text.substring(1) : text);
        }

        double decimal(String name, double fallback) {
            if (!isSet(name)) {
                return fallback;
            }
            String text = env.get(name).strip();
            if (!text.matches("[0-9]{1,6}(\\.[0-9]{1,6})?")) {
                throw new InvalidSpecException(name, "must be a number such as 10 or 2.5, got '"
                        + InvalidSpecException.shorten(text) + "'");
            }
            return Double.parseDouble(text);
        }

        URI url(String name) {
            String text = env.get(name).strip();
            try {
                URI uri = new URI(text);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new URISyntaxException(text, "not an http(s) URL");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new InvalidSpecException(name, "must be an http or https URL, got '"
                        + InvalidSpecException.shorten(text) + "'");
            }
        }

        private static int parseInt(String name, String text) {
            if (!text.matches("-?[0-9]{1,9}")) {
                throw new InvalidSpecException(name, "must be a whole number, got '"
                        + InvalidSpecException.shorten(text) + "'");
            }
            return Integer.parseInt(text);
        }
    }

    /** @return one line for the start-up log: the mode and the nodes */
    public String describe() {
        return (simulated ? "SIMULATED cluster" : "cluster") + (backend.api().isPresent()
                ? " over the API at " + backend.api().get().url() : "") + " main node "
                + (mainNode == null ? "(the API's)" : mainNode) + ", nodes " + configuredNodes() + ", storage " + settings.storage() + ", gateway "
                + settings.network().gateway() + ", " + settings.network().addressing().describe();
    }
}
