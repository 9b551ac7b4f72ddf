package io.pveq.sim.realguests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.NodeName;
import io.pveq.core.testing.TestPeer;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.sim.SimulatedCluster;
import io.pveq.sim.internal.CloudInit;
import io.pveq.sim.internal.qemu.QemuGuests;
import io.pveq.sim.internal.state.RealGuestsState;
import io.pveq.sim.internal.state.VmState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NoCloud files a real guest receives are exactly those of {@code ../shared/reference/proxmox/CLOUDINIT.md}
 * (what qemu-server 8.4/9.2 generate), byte for byte, for the document's example config: rendered,
 * shown by {@code qm cloudinit dump}, and read back out of the seed ISO with {@code isoinfo}.
 */
class CloudInitSeedTest {

    private static final String HASH = "$5$abcdefgh$DXBT1sJ49WCj0IgmGKZ2BQ/aXOc6TJDFNV3pYyYWqSD";
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKeyExampleKey0 deploy@ci";

    /** @return the fenced block that follows {@code heading} in CLOUDINIT.md */
    private static String documented(String heading) throws Exception {
        Path doc = io.pveq.core.testing.PveSchema.referenceDir().resolve("CLOUDINIT.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile(Pattern.quote(heading) + "[^\\n]*\\n```\\n(.*?)```", Pattern.DOTALL).matcher(text);
        assertTrue(m.find(), heading + " in " + doc);
        return m.group(1);
    }

    private static VmState example() {
        VmState vm = new VmState();
        vm.vmid = 101;
        vm.node = "pve1";
        vm.config.put("name", "web-01");
        vm.config.put("ciuser", "deploy");
        vm.config.put("cipassword", "**********");
        vm.secrets.put("cipassword", HASH);
        vm.config.put("sshkeys", "ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKeyExampleKey0%20deploy%40ci%0A");
        vm.config.put("ipconfig0", "ip=192.0.2.101/24,gw=192.0.2.1");
        vm.config.put("nameserver", "192.0.2.53");
        vm.config.put("searchdomain", "example.test");
        vm.config.put("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0");
        vm.config.put("ide2", "local-lvm:vm-101-cloudinit,media=cdrom");
        return vm;
    }

    @Test
    void generatedFilesAreTheDocumentedOnesByteForByte() throws Exception {
        CloudInit.Files files = CloudInit.files(example(), List.of("198.51.100.53"));
        assertEquals(documented("user-data:"), files.userData());
        assertEquals(documented("network-config"), files.networkConfig());
        assertEquals(documented("meta-data:"), files.metaData(), "instance-id is the SHA-1 of user-data + network-config");
    }

    @Test
    void qmCloudinitDumpPrintsTheFilesAndOneMoreNewline(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys.pub");
        Files.writeString(keys, KEY + "\n");
        try (SimulatedCluster cluster = SimulatedCluster.builder().instant().build()) {
            CommandResult create = cluster.transport(NodeName.of("pve1")).run(CommandRequest.builder(List.of("qm", "create",
                    "101", "--name", "web-01", "--ciuser", "deploy", "--cipassword", HASH, "--sshkeys", keys.toString(),
                    "--ipconfig0", "ip=192.0.2.101/24,gw=192.0.2.1", "--nameserver", "192.0.2.53", "--searchdomain",
                    "example.test", "--net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0", "--ide2", "local-lvm:cloudinit"))
                    .timeout(Duration.ofSeconds(30)).build());
            assertEquals(0, create.exitCode(), create.stderr());
            for (String[] part : new String[][] {{"user", "user-data:"}, {"network", "network-config"}, {"meta", "meta-data:"}}) {
                CommandResult dump = cluster.transport(NodeName.of("pve1")).run(CommandRequest.builder(
                        List.of("qm", "cloudinit", "dump", "101", part[0])).timeout(Duration.ofSeconds(30)).build());
                assertEquals(documented(part[1]) + "\n", dump.stdout(), part[0]);
            }
        }
    }

    @Test
    void theSeedIsoHoldsExactlyTheseFilesUnderTheCidataLabel(@TempDir Path dir) throws Exception {
        TestPeer.GENISOIMAGE.require();
        TestPeer.ISOINFO.require();
        RealGuestsState config = new RealGuestsState();
        config.qemu = "/usr/bin/qemu-system-x86_64";
        config.workFolder = dir.toString();
        config.owner = "test";
        Path iso = new QemuGuests(config).seed(example(), List.of());
        String info = run("isoinfo", "-d", "-i", iso.toString());
        assertTrue(info.contains("Volume id: cidata"), info);
        assertEquals("/meta-data\n/network-config\n/user-data\n/vendor-data\n",
                run("sh", "-c", "isoinfo -R -f -i '" + iso + "' | sort"));
        assertEquals(documented("user-data:"), run("isoinfo", "-R", "-i", iso.toString(), "-x", "/user-data"));
        assertEquals(documented("network-config"), run("isoinfo", "-R", "-i", iso.toString(), "-x",
                "/network-config"));
        assertEquals(documented("meta-data:"), run("isoinfo", "-R", "-i", iso.toString(), "-x", "/meta-data"));
        assertEquals("", run("isoinfo", "-R", "-i", iso.toString(), "-x", "/vendor-data"));
    }

    private static String run(String... argv) throws Exception {
        Process process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", argv));
        return out;
    }
}
