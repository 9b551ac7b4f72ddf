package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.AddressingMode;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.server.internal.DotEnv;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: the reference's variables with their meaning, pveq's own, errors naming the variable. */
class EnvConfigTest {

    private static Map<String, String> cluster() {
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY", "192.168.0.1");
        env.put("MAIN_NODE", "pve1");
        env.put("NODE_pve1", "192.168.0.11");
        env.put("NODE_pve2", "192.168.0.12");
        env.put("ASSIGN_STORAGE", "local-zfs");
        return env;
    }

    private static String failing(Map<String, String> env) {
        return assertThrows(InvalidSpecException.class, () -> EnvConfig.load(env)).field();
    }

    @Test
    void nothingConfiguredMeansTheSimulatedClusterWithDefaults() {
        EnvConfig c = EnvConfig.load(Map.of("HOME", "/root", "PATH", "/usr/bin"));
        assertTrue(c.simulated());
        assertEquals(List.of(NodeName.of("pve1"), NodeName.of("pve2"), NodeName.of("pve3")), c.configuredNodes());
        assertEquals(8080, c.server().port());
        assertTrue(c.server().allowIps().everyone());
        assertTrue(c.server().apiToken().isEmpty());
        assertTrue(c.server().corsOrigins().isEmpty());
        assertEquals(ShutdownMode.CANCEL, c.server().shutdownMode());
        assertEquals(BackendConfig.Transport.LOCAL, c.backend().transport());
        assertTrue(c.describe().contains("SIMULATED"));
    }

    @Test
    void referenceVariablesKeepTheirMeaning() throws Exception {
        Map<String, String> env = cluster();
        env.putAll(Map.of("PORT", "9090", "ASSIGN_IP_START", "120", "ASSIGN_IP_END", "200", "ALLOW_IPS", "10.0.0.5, 10.1.0.0/16",
                "VM_MAX_CPU", "8", "VM_MAX_RAM", "16384", "VM_MAX_DISK", "64", "VM_BALLOON_MIN", "1024",
                "VM_ROOT_PASSWORD", "r00t-pass"));
        EnvConfig c = EnvConfig.load(env);
        assertFalse(c.simulated());
        assertEquals(9090, c.server().port());
        assertEquals(new AddressingMode.VmidOctet(120, 200), c.settings().network().addressing());
        assertEquals("local-zfs", c.settings().storage());
        assertEquals("192.168.0.12", c.nodeAddresses().get(NodeName.of("pve2")));
        assertEquals(8, c.settings().limits().maxCpu().getAsInt());
        assertEquals(1024, c.settings().limits().balloonMinMb().getAsInt());
        assertEquals("r00t-pass", c.settings().rootPassword().orElseThrow().reveal());
        assertTrue(c.server().allowIps().contains(InetAddress.getByName("10.1.2.3")));
        assertFalse(c.server().allowIps().contains(InetAddress.getByName("10.2.0.1")));
    }

    @Test
    void pveqVariablesAreRead() {
        Map<String, String> env = cluster();
        env.putAll(Map.of("PREFIX_LENGTH", "16", "BRIDGE", "vmbr1", "NAMESERVERS", "1.1.1.1, 9.9.9.9", "CPU_TYPE", "x86-64-v3",
                "API_TOKEN", "0123456789abcdef0123", "SHUTDOWN_MODE", "await", "SHUTDOWN_TIMEOUT", "60",
                "JOB_WORKERS", "2", "TRANSPORT", "ssh", "IMAGE_MIRROR_DEBIAN", "http://mirror.lan/debian"));
        EnvConfig c = EnvConfig.load(env);
        assertEquals(16, c.settings().network().prefixLength());
        assertEquals("vmbr1", c.settings().network().bridge());
        assertEquals(2, c.settings().network().nameservers().size());
        assertEquals(ShutdownMode.AWAIT, c.server().shutdownMode());
        assertEquals(Duration.ofSeconds(60), c.server().shutdownTimeout());
        assertEquals(2, c.server().jobWorkers());
        assertEquals(BackendConfig.Transport.SSH, c.backend().transport());
        assertEquals("http://mirror.lan/debian", c.backend().mirror("debian").orElseThrow().toString());
    }

    @Test
    void everyMalformedValueNamesItsVariable() {
        Map<String, String> bad = new HashMap<>();
        bad.put("PORT", "eighty");
        bad.put("ASSIGN_IP_START", "50");
        bad.put("ASSIGN_IP_END", "300");
        bad.put("ALLOW_IPS", "10.0.0.0/33");
        bad.put("VM_MAX_CPU", "64");
        bad.put("VM_MAX_RAM", "12x");
        bad.put("VM_MAX_DISK", "2");
        bad.put("VM_BALLOON_MIN", "-1");
        bad.put("GATEWAY", "192.168.0.300");
        bad.put("ASSIGN_STORAGE", "local zfs");
        bad.put("PREFIX_LENGTH", "31");
        bad.put("BRIDGE", "vmbr0; reboot");
        bad.put("NAMESERVERS", "dns.example");
        bad.put("CPU_TYPE", "x86-64-v1");
        bad.put("NODE_HEAVY_TASKS", "0");
        bad.put("API_TOKEN", "short");
        bad.put("TRUSTED_PROXIES", "proxy.lan");
        bad.put("CORS_ORIGINS", "*");
        bad.put("MAX_BODY_BYTES", "10");
        bad.put("JOB_WORKERS", "0");
        bad.put("SHUTDOWN_MODE", "later");
        bad.put("SHUTDOWN_TIMEOUT", "0");
        bad.put("SSE_HEARTBEAT", "0");
        bad.put("TRANSPORT", "telnet");
        bad.put("SSH_PORT", "70000");
        bad.put("SSH_HOST_KEY_POLICY", "yolo");
        bad.put("IMAGE_MIRROR_UBUNTU", "ftp://mirror");
        bad.put("BIND_ADDRESS", "localhost");
        bad.put("SIM_SPEED", "0");
        bad.put("SH_DIR", "/nonexistent/sh");
        bad.put("LIST_CACHE_MS", "-1");
        bad.put("LOG_LEVEL", "LOUD");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Map<String, String> env = cluster();
            env.put(e.getKey(), e.getValue());
            assertEquals(e.getKey(), failing(env), e.getKey() + "=" + e.getValue());
        }
        Map<String, String> node = cluster();
        node.put("NODE_pve2", "192.168.0.12;reboot");
        assertEquals("NODE_pve2", failing(node));
    }

    @Test
    void envExampleListsEveryVariableAndHomeIsExpanded() throws Exception {
        Path example = Path.of("..", ".env.example");
        if (!Files.exists(example)) {
            return; // only in a full checkout
        }
        String text = Files.readString(example);
        for (String name : EnvConfig.VARIABLES) {
            assertTrue(text.contains("\n" + name + "=") || text.contains("\n#" + name + "="), name + " in .env.example");
        }
        EnvConfig c = EnvConfig.load(Map.of("SSH_KEY", "~/.ssh/pve"));
        assertEquals(Path.of(System.getProperty("user.home"), ".ssh/pve"), c.backend().sshKey());
    }

    @Test
    void otherToolsNodeVariablesAreNotNodes() {
        Map<String, String> env = new HashMap<>(Map.of("NODE_ENV", "production", "NODE_OPTIONS", "--max-old-space-size=4096",
                "NODE_EXTRA_CA_CERTS", "/etc/ssl/certs/ca-certificates.crt"));
        assertTrue(EnvConfig.load(env).simulated());
        assertTrue(EnvConfig.isNodeVariable("NODE_pve2"));
        assertTrue(EnvConfig.isNodeVariable("NODE_PVE2"));
        assertFalse(EnvConfig.isNodeVariable("NODE_HEAVY_TASKS"));
    }

    @Test
    void aPartlyConfiguredClusterNamesWhatIsMissing() {
        for (String missing : EnvConfig.CLUSTER_VARIABLES) {
            Map<String, String> env = cluster();
            env.remove(missing);
            assertEquals(missing, failing(env));
        }
        Map<String, String> ssh = cluster();
        ssh.put("TRANSPORT", "ssh");
        ssh.remove("NODE_pve1");
        assertEquals("NODE_pve1", failing(ssh));
    }

    @Test
    void dotEnvSuppliesWhatTheEnvironmentDoesNotSet(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), String.join("\n", "# comment", "", "export PORT=9191",
                "CORS_ORIGINS = \"https://a.example, https://b.example\" # two", "API_TOKEN='abc#def0123456789x'",
                "ALLOW_IP=10.0.0.1", "JOB_QUEUE=5 # inline comment"));
        EnvConfig c = EnvConfig.fromEnvironment(dir);
        assertEquals(System.getenv("PORT") == null ? 9191 : Integer.parseInt(System.getenv("PORT")), c.server().port());
        assertEquals(List.of("https://a.example", "https://b.example"), c.server().corsOrigins());
        assertEquals("abc#def0123456789x", c.server().apiToken().orElseThrow().reveal());
        assertEquals(5, c.server().jobQueue());
        assertEquals(List.of("ALLOW_IP"), c.unknownDotEnvNames(), "a typo is reported");
    }

    @Test
    void malformedDotEnvLinesNameTheFile() {
        assertEquals(".env", assertThrows(InvalidSpecException.class, () -> DotEnv.parse(List.of("PORT 8080"))).field());
        assertEquals(".env", assertThrows(InvalidSpecException.class, () -> DotEnv.parse(List.of("A='x"))).field());
        assertEquals(Map.of("A", "x y", "B", "q\"uote"), DotEnv.parse(List.of("A = x y ", "B=\"q\\\"uote\"")));
    }

    @Test
    void addressRangesParseTrimAndMatch() throws Exception {
        AddressRanges r = AddressRanges.parse("ALLOW_IPS", " 127.0.0.1 ,10.0.0.0/8, ::1 , 2001:db8::/32 ");
        assertTrue(r.contains(InetAddress.getByName("127.0.0.1")));
        assertTrue(r.contains(InetAddress.getByName("10.200.1.1")));
        assertTrue(r.contains(InetAddress.getByName("::ffff:10.1.1.1")), "IPv4-mapped IPv6 matches");
        assertTrue(r.contains(InetAddress.getByName("2001:db8:1::5")));
        assertFalse(r.contains(InetAddress.getByName("11.0.0.1")));
        assertFalse(r.contains(InetAddress.getByName("2001:db9::1")));
        assertTrue(AddressRanges.parse("ALLOW_IPS", "0.0.0.0").everyone());
        assertTrue(AddressRanges.parse("ALLOW_IPS", "::/0").everyone());
        assertTrue(AddressRanges.parse("ALLOW_IPS", "").isEmpty());
        assertEquals("ALLOW_IPS", assertThrows(InvalidSpecException.class,
                () -> AddressRanges.parse("ALLOW_IPS", "example.com")).field());
        assertTrue(AddressRanges.literal("evil.example").isEmpty(), "names are never resolved");
    }

    @Test
    void guestInitOptionsBecomeTheInitScriptsArgumentsAndBadOnesNameTheVariable() {
        Map<String, String> env = cluster();
        env.putAll(Map.of("GUEST_TIMEZONE", "Europe/Berlin", "GUEST_LOCALE", "de_DE.UTF-8", "GUEST_PACKAGES", " tree  htop ",
                "GUEST_MIRROR_DEBIAN", "http://mirror.lan/debian", "SSH_READY_TIMEOUT", "900"));
        EnvConfig c = EnvConfig.load(env);
        assertEquals(List.of("--timezone", "Europe/Berlin", "--locale", "de_DE.UTF-8", "--packages", "tree htop", "--mirror",
                "http://mirror.lan/debian"), c.settings().guestInit().arguments("debian"));
        assertEquals(List.of("--timezone", "Europe/Berlin", "--locale", "de_DE.UTF-8", "--packages", "tree htop"),
                c.settings().guestInit().arguments("ubuntu"), "a mirror is per OS");
        assertEquals(java.time.Duration.ofSeconds(900), c.settings().timeouts().sshReady());
        assertEquals(List.of(), EnvConfig.load(cluster()).settings().guestInit().arguments("debian"));
        for (String[] bad : new String[][] {{"GUEST_TIMEZONE", "../etc/passwd"}, {"GUEST_LOCALE", "en_US.UTF-8; id"},
                {"GUEST_PACKAGES", "-oAPT::x=1"}, {"GUEST_MIRROR_UBUNTU", "ftp://mirror.lan/"},
                {"SSH_READY_TIMEOUT", "5"}, {"INIT_SCRIPT_TIMEOUT", "soon"}}) {
            Map<String, String> wrong = cluster();
            wrong.put(bad[0], bad[1]);
            assertEquals(bad[0], failing(wrong), bad[1]);
        }
    }

    @Test
    void simulatedRealGuestsNeedTheirImagesAndGetTheSimulatorsRepository() {
        assertEquals(BackendConfig.SimGuests.SIMULATED, EnvConfig.load(Map.of()).backend().simGuests());
        assertEquals("SIM_GUESTS", failing(new HashMap<>(Map.of("SIM_GUESTS", "kvm"))));
        assertEquals("SIM_GUEST_IMAGES", failing(new HashMap<>(Map.of("SIM_GUESTS", "qemu"))));
        EnvConfig c = EnvConfig.load(Map.of("SIM_GUESTS", "qemu", "SIM_GUEST_IMAGES", "/var/cache/images"));
        assertEquals(BackendConfig.SimGuests.QEMU, c.backend().simGuests());
        assertEquals(List.of("--mirror", "http://10.0.10.1/debian"), c.settings().guestInit().arguments("debian"),
                "real guests install from the simulator's package repository at their gateway");
    }
}
