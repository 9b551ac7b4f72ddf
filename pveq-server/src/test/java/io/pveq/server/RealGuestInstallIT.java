package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.GuestImages;
import io.pveq.sim.RealGuests;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import io.pveq.ssh.HostKeyPolicy;
import io.pveq.ssh.OpenSshServer;
import io.pveq.ssh.SshCommandTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Debian 12 install through the server in the CLI dialect: the server reaches its node over a
 * real sshd whose {@code qm}/{@code pvesh} are the simulator's launchers (one JVM per command, on a
 * persisted state), downloads the built image from the simulator's mirror, verifies and uploads it,
 * and the launchers' {@code qm start} boots it under QEMU. Then, logged in over SSH as the user the
 * install asked for, the guest is checked from the inside: what cloud-init set up, what the init script
 * did, that nothing secret is left, that the reboot happened without cloud-init running again; the init
 * script is run a second time (it changes nothing), the guest agent answers {@code qm guest cmd}, and an
 * ACPI shutdown and a destroy leave no QEMU process, volume or forwarded port behind.
 */
class RealGuestInstallIT {

    private static final String ADDRESS = "127.0.10.150";
    private static final String PASSWORD = "cor'rect h\"orse $(id) 42";
    private static final String ROOT_PASSWORD = "r00t-Pa55 word";
    private static final String PUBKEY_COMMENT = "deploy@real-guest-test";

    @TempDir
    static Path dir;
    private static OpenSshServer sshd;
    private static SimulatedCluster owner;
    private static SimImageMirror mirror;
    private static Backend.Built built;
    private static ServerFixture http;
    private static Path state;
    private static Path work;
    private static Path uploaded;
    private static Path userKey;
    private static String userPublicKey;

    @BeforeAll
    static void start() throws Exception {
        GuestImages images = RealGuestPeers.images("12");
        RealGuestPeers.requirePort22Free(ADDRESS);
        Path launchers = RealGuestPeers.projectRoot().resolve("pveq-sim").resolve("bin");
        assertTrue(Files.isDirectory(launchers.resolveSibling("target").resolve("lib")),
                "the simulator's launchers are packaged first (mvn verify packages pveq-sim before pveq-server)");
        state = dir.resolve("cluster");
        // the test owns the real guests: whatever the launchers start is ended when it closes
        owner = SimulatedCluster.builder().stateFolder(state).node("pve1", "127.0.10.11").speedFactor(20)
                .realGuests(RealGuests.of(images)).build();
        work = owner.realGuestsWorkFolder().orElseThrow();
        sshd = new OpenSshServer().env("PVEQ_SIM_STATE", state.toString()).env("PVEQ_SIM_NODE", "pve1")
                .env("PVEQ_SIM_SPEED", "20");
        sshd.start();
        for (String command : List.of("qm", "pvesh", "pvesm")) {
            Files.createSymbolicLink(sshd.binDir().resolve(command), launchers.resolve(command));
        }
        mirror = SimImageMirror.start().publish(images);
        String sha256 = RealGuestPeers.run(Map.of(), "sha256sum", images.debian("12").orElseThrow().image().toString())
                .split(" ")[0];
        uploaded = Path.of("/var/lib/pveq/images", sha256 + ".qcow2");
        boolean leftBefore = Files.exists(uploaded);
        if (leftBefore) {
            uploaded = null; // someone else's: leave it
        }
        userKey = dir.resolve("deploy_ed25519");
        RealGuestPeers.run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", PUBKEY_COMMENT, "-f",
                userKey.toString());
        userPublicKey = Files.readString(dir.resolve("deploy_ed25519.pub")).strip();
        Map<String, String> env = new TreeMap<>();
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("PORT", "0");
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put("GATEWAY", "127.0.10.1");
        env.put("MAIN_NODE", "pve1");
        env.put("NODE_pve1", "127.0.0.1");
        env.put("ASSIGN_STORAGE", "local-lvm");
        env.put("ASSIGN_IP_START", "150");
        env.put("ASSIGN_IP_END", "150");
        env.put("TRANSPORT", "ssh");
        env.put("SSH_PORT", Integer.toString(sshd.port()));
        env.put("SSH_USER", sshd.user());
        env.put("SSH_KEY", sshd.clientEd25519().toString());
        env.put("SSH_KNOWN_HOSTS", sshd.knownHosts().toString());
        env.put("GUEST_SSH_KEY", dir.resolve("pveq_guest_ed25519").toString());
        env.put("IMAGE_CACHE_DIR", dir.resolve("image-cache").toString());
        env.put("IMAGE_MIRROR_DEBIAN", mirror.debianBase().toString());
        env.put("VM_ROOT_PASSWORD", ROOT_PASSWORD);
        env.put("GUEST_TIMEZONE", "Europe/Berlin");
        env.put("GUEST_LOCALE", "de_DE.UTF-8");
        env.put("GUEST_PACKAGES", "tree");
        env.put("GUEST_MIRROR_DEBIAN", "http://10.0.10.1/debian");
        // software emulation on a shared 2-core machine: a boot takes 70 s idle, several minutes under load
        env.put("SSH_READY_TIMEOUT", "1200");
        EnvConfig config = EnvConfig.load(env);
        assertFalse(config.simulated());
        ServerMetrics metrics = new ServerMetrics();
        // every 127/8 address answers ICMP: the simulator's probe knows which VM addresses are taken
        built = Backend.cluster(config, metrics, owner.addressProbe());
        http = new ServerFixture(built.provisioner(), metrics, b -> b.sseHeartbeat(Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        if (built != null) {
            for (AutoCloseable c : built.extra()) {
                c.close();
            }
        }
        if (mirror != null) {
            mirror.close();
        }
        if (owner != null) {
            owner.close();
        }
        if (sshd != null) {
            sshd.stop();
        }
        if (uploaded != null) {
            // the server placed the image on its "node" (this machine, through sshd) as pveq does on a real one
            Files.deleteIfExists(uploaded);
        }
        if (work != null) {
            assertEquals(List.of(), RealGuestPeers.qemuProcesses(work.toString()), "no QEMU of this test outlives it");
            assertFalse(Files.exists(work), "the work folder is removed");
        }
    }

    private static JsonNode data(InstallStreamTest.Frame frame) throws Exception {
        return ServerFixture.JSON.readTree(frame.data().substring(6));
    }

    private static List<InstallStreamTest.Frame> stream(String method, String path, String body) throws Exception {
        try (RawHttp r = RawHttp.send(null, http.port(), method, path, body)) {
            assertEquals(200, r.status, () -> r.status + " " + String.join("\n", RealGuestInstallIT.rest(r)));
            return InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
        }
    }

    private static List<String> rest(RawHttp r) {
        List<String> lines = new ArrayList<>();
        try {
            String line;
            while ((line = r.line()) != null && lines.size() < 20) {
                lines.add(line);
            }
        } catch (java.io.IOException e) {
            lines.add(e.toString());
        }
        return lines;
    }

    private static CommandResult guest(SshCommandTransport ssh, String... argv) {
        return ssh.run(CommandRequest.builder(List.of(argv)).timeout(Duration.ofMinutes(5)).build());
    }

    private static CommandResult guestWithInput(SshCommandTransport ssh, byte[] stdin, String... argv) {
        return ssh.run(CommandRequest.builder(List.of(argv)).stdin(stdin).timeout(Duration.ofMinutes(10)).build());
    }

    private static String ok(CommandResult result) {
        assertEquals(0, result.exitCode(), String.join(" ", result.displayArgv()) + "\n" + result.stdout() + result.stderr());
        return result.stdout();
    }

    private static CommandResult node(String... argv) throws Exception {
        try (SshCommandTransport transport = sshd.transport().build()) {
            return transport.run(CommandRequest.builder(List.of(argv)).timeout(Duration.ofMinutes(2)).build());
        }
    }

    @Test
    void installsDebian12ThroughTheServerAndTheGuestIsWhatWasAskedFor() throws Exception {
        long start = System.nanoTime();
        String body = "{\"os\":\"debian\",\"version\":\"12\",\"name\":\"rg-web\",\"user\":\"deploy\",\"passwd\":"
                + ServerFixture.JSON.writeValueAsString(PASSWORD) + ",\"pubkey\":"
                + ServerFixture.JSON.writeValueAsString(userPublicKey) + "}";
        List<InstallStreamTest.Frame> frames = stream("POST", "/api/vm/install", body);
        List<String> log = new ArrayList<>();
        for (InstallStreamTest.Frame f : frames) {
            log.add(f.data());
        }
        JsonNode end = data(frames.get(frames.size() - 1));
        assertEquals("success", end.get("status").asText(), String.join("\n", log));
        int vmid = end.get("vm_id").asInt();
        assertEquals(150, vmid);
        assertEquals(ADDRESS, end.get("ip").asText());
        System.out.printf("real Debian 12 install through the server: %d s%n", (System.nanoTime() - start) / 1_000_000_000L);
        assertTrue(log.stream().anyMatch(l -> l.contains("[pveq] changed: installed")), "the init script installed"
                + " packages:\n" + String.join("\n", log));
        JsonNode job = null;
        for (JsonNode j : ServerFixture.json(http.get("/api/jobs")).get("jobs")) {
            job = j;
        }
        assertNotNull(job);
        JsonNode result = ServerFixture.json(http.get("/api/jobs/" + job.get("id").asText())).get("result");
        String hostKey = result.get("host_key").asText();
        assertTrue(hostKey.startsWith("SHA256:"), result.toString());

        try (SshCommandTransport ssh = SshCommandTransport.builder(ADDRESS).port(22).user("deploy")
                .privateKey(userKey).hostKeyPolicy(HostKeyPolicy.pinned(hostKey)).build()) {
            assertEquals("rg-web\n", ok(guest(ssh, "hostname")));
            String groups = ok(guest(ssh, "id", "-nG"));
            assertTrue((" " + groups.strip() + " ").contains(" sudo "), groups);
            assertEquals("ok\n", ok(guest(ssh, "sudo", "-n", "echo", "ok")), "passwordless sudo as cloud-init's default user");
            String keys = ok(guest(ssh, "cat", ".ssh/authorized_keys"));
            assertTrue(keys.contains(userPublicKey), keys);
            // the password: glibc's crypt(3) in the guest agrees that the shadow hash is this password
            String hash = ok(guest(ssh, "sudo", "-n", "awk", "-F:", "$1 == \"deploy\" { print $2 }", "/etc/shadow")).strip();
            assertTrue(hash.startsWith("$6$"), hash);
            String check = "import crypt, sys\nh, p = sys.stdin.read().split('\\n', 1)\nprint(crypt.crypt(p, h) == h)\n";
            assertEquals("True\n", ok(guestWithInput(ssh, (hash + "\n" + PASSWORD).getBytes(StandardCharsets.UTF_8),
                    "python3", "-W", "ignore", "-c", check)));
            // the network: the static address (as the guest holds a loopback address: 10.0.0.0/8, see GuestLan)
            String address = ok(guest(ssh, "ip", "-4", "-o", "addr", "show", "dev", "eth0"));
            assertTrue(address.contains("inet 10.0.10.150/24"), address);
            assertTrue(ok(guest(ssh, "ip", "-4", "route", "show", "default")).contains("default via 10.0.10.1 dev eth0"));
            String mac = ok(guest(ssh, "cat", "/sys/class/net/eth0/address")).strip();
            assertTrue(owner.vmConfig(io.pveq.core.VmId.of(vmid)).orElseThrow().get("net0")
                    .toLowerCase(java.util.Locale.ROOT).contains(mac), "the NIC has net0's MAC " + mac);
            // the init script's effects
            assertEquals("/usr/share/zoneinfo/Europe/Berlin\n", ok(guest(ssh, "readlink", "-f", "/etc/localtime")));
            assertTrue(ok(guest(ssh, "cat", "/etc/default/locale")).contains("LANG=de_DE.UTF-8"));
            assertTrue(ok(guest(ssh, "locale", "-a")).contains("de_DE.utf8"));
            String packages = ok(guest(ssh, "dpkg-query", "-W", "-f", "${Package} ${Status}\\n", "tree",
                    "qemu-guest-agent", "locales"));
            assertEquals(3, packages.lines().filter(l -> l.endsWith(" installed")).count(), packages);
            // Debian's unit has no [Install] section: udev starts it when the agent's port appears
            String enabled = ok(guest(ssh, "sh", "-c", "systemctl is-enabled qemu-guest-agent; true")).strip();
            assertTrue(enabled.equals("enabled") || enabled.equals("static"), enabled);
            assertEquals("active\n", ok(guest(ssh, "systemctl", "is-active", "qemu-guest-agent")));
            // root's password came on the script's standard input and was set
            String rootHash = ok(guest(ssh, "sudo", "-n", "awk", "-F:", "$1 == \"root\" { print $2 }", "/etc/shadow")).strip();
            assertEquals("True\n", ok(guestWithInput(ssh, (rootHash + "\n" + ROOT_PASSWORD).getBytes(StandardCharsets.UTF_8),
                    "python3", "-W", "ignore", "-c", check)));
            // nothing secret left on disk or in the process list
            CommandResult leaks = guestWithInput(ssh, (PASSWORD + "\n" + ROOT_PASSWORD).getBytes(StandardCharsets.UTF_8),
                    "sudo", "-n", "sh", "-c", "read -r a; read -r b; grep -rlF -e \"$a\" -e \"$b\" /etc /var /root /home /tmp /run"
                            + " 2>/dev/null; ps -eo args | grep -F -e \"$a\" -e \"$b\" | grep -v grep; true");
            assertEquals("", ok(leaks), "files or processes holding a plain password");
            assertEquals("", ok(guest(ssh, "sh", "-c", "ls /tmp | grep -i pveq; true")), "no init script left in /tmp");
            // the reboot happened (two boots), with one cloud-init instance whose per-instance work ran once
            String boots = ok(guest(ssh, "sudo", "-n", "grep", "-c", "running 'init-local'", "/var/log/cloud-init.log"));
            assertEquals("2\n", boots, "cloud-init started on two boots");
            assertEquals(1, ok(guest(ssh, "ls", "/var/lib/cloud/instances")).lines().count());
            String ranOnce = ok(guest(ssh, "sudo", "-n", "sh", "-c", "btime=$(awk '/^btime/ {print $2}' /proc/stat);"
                    + " for f in /var/lib/cloud/instance/sem/config_users_groups /var/lib/cloud/instance/sem/config_ssh; do"
                    + " [ $(stat -c %Y $f) -lt $btime ] && echo before-this-boot; done"));
            assertEquals("before-this-boot\nbefore-this-boot\n", ranOnce,
                    "users and host keys were made on the first boot only; the second boot left them");

            // the init script a second time: it changes nothing
            String script = RealGuestPeers.run(Map.of(), RealGuestPeers.projectRoot().resolve("sh/bundle.sh").toString(),
                    "debian_12.sh");
            Files.writeString(dir.resolve("init.sh"), script);
            CommandResult again = guestWithInput(ssh, script.getBytes(StandardCharsets.UTF_8), "sudo", "-n", "bash", "-s",
                    "--", "--timezone", "Europe/Berlin", "--locale", "de_DE.UTF-8", "--packages", "tree", "--mirror",
                    "http://10.0.10.1/debian");
            assertTrue(ok(again).contains("[pveq] finished: nothing to change"), again.stdout());
        }

        // the guest agent answers qm guest cmd, through the launchers on the node
        CommandResult ping = node("qm", "guest", "cmd", Integer.toString(vmid), "ping");
        assertEquals(0, ping.exitCode(), ping.stderr());
        CommandResult nics = node("qm", "guest", "cmd", Integer.toString(vmid), "network-get-interfaces");
        assertEquals(0, nics.exitCode(), nics.stderr());
        assertTrue(nics.stdout().contains("\"ip-address\" : \"10.0.10.150\""), nics.stdout());
        assertEquals("status: running\n", node("qm", "status", Integer.toString(vmid)).stdout());

        // ACPI shutdown: the guest powers off, its QEMU ends, status follows the process
        // the shutdown call returns once the guest is off: minutes under software emulation on a busy machine
        HttpResponse<String> shutdown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + http.port() + "/api/vm/" + vmid + "/shutdown")).timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, shutdown.statusCode(), shutdown.body());
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!"stopped".equals(http.get("/api/vm/" + vmid + "/status").body()) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        assertEquals("stopped", http.get("/api/vm/" + vmid + "/status").body());
        assertEquals(List.of(), RealGuestPeers.qemuProcesses(work.toString()), "its QEMU has ended");
        assertFalse(RealGuestPeers.listening(ADDRESS, 22), "the SSH forward ends with QEMU");
        String destroyed = http.post("/api/vm/" + vmid + "/destroy", null).body();
        assertEquals("VM " + vmid + " destroyed", destroyed);
        Path volumes = work.resolve("volumes");
        assertEquals(List.of(), RealGuestPeers.files(volumes), "the VM's volumes are deleted with it");
    }
}
