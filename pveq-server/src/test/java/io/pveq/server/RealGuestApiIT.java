package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.api.Checksum;
import io.pveq.api.ChecksumAlgorithm;
import io.pveq.api.ContentType;
import io.pveq.api.DiskSpec;
import io.pveq.api.DownloadUrlSpec;
import io.pveq.api.GuestAgentUnavailableException;
import io.pveq.api.GuestExecStatus;
import io.pveq.api.GuestInterface;
import io.pveq.api.IpConfigSpec;
import io.pveq.api.NicSpec;
import io.pveq.api.ProxmoxApi;
import io.pveq.api.TaskListener;
import io.pveq.api.TlsTrust;
import io.pveq.api.Upid;
import io.pveq.api.VmCreateSpec;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeName;
import io.pveq.core.Secret;
import io.pveq.core.SshPublicKey;
import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.sim.GuestImages;
import io.pveq.sim.RealGuests;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import io.pveq.ssh.SshGuestAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's REST API face on a real guest, driven by pveq-api as a client would drive a Proxmox
 * node: the node downloads the Debian 11 image from the mirror ({@code download-url}, SHA-512 checked),
 * a VM is created importing it ({@code import-from}) and started. Over SSH the Debian 11 init script
 * runs twice on its release (the second run changes nothing); it installs the guest agent (the image
 * has none, as Debian's generic image), which then answers the API's agent paths (ping, interfaces,
 * exec with input and exec-status, OS and file system info) from inside the guest. An API reboot is
 * an ACPI shutdown and a new QEMU process with the same cloud-init instance; an API shutdown powers
 * the guest off (status and {@code /cluster/resources} follow the process) and a delete leaves no QEMU
 * process, volume or forwarded port. An install through the API dialect of the
 * engine waits for issue #14.
 */
class RealGuestApiIT {

    private static final NodeName PVE1 = NodeName.of("pve1");
    private static final VmId VMID = VmId.of(151);
    private static final String ADDRESS = "127.0.10.151";
    private static final Duration BOOT = Duration.ofMinutes(20);
    private static final List<String> OPTIONS = List.of("--timezone", "America/Sao_Paulo", "--locale", "pt_BR.UTF-8",
            "--packages", "tree", "--mirror", "http://10.0.10.1/debian");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static void await(ProxmoxApi api, Upid task, Duration timeout) {
        api.tasks().await(task, timeout, TaskListener.NONE);
    }

    /** GET through the API face with the root token: for agent paths pveq-api does not wrap. */
    private static JsonNode get(SimulatedCluster cluster, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(cluster.api().trustingSslContext()).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(cluster.api().url() + "/api2/json" + path))
                .header("Authorization", "PVEAPIToken=" + cluster.api().rootToken()).timeout(Duration.ofMinutes(1))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.statusCode() + " " + response.body());
        return JSON.readTree(response.body()).get("data");
    }

    private static void awaitAgent(ProxmoxApi api) throws InterruptedException {
        // the init script started the agent already: it answers within seconds, not a boot
        Duration timeout = Duration.ofMinutes(2);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                api.agent().ping(PVE1, VMID);
                return;
            } catch (GuestAgentUnavailableException e) {
                assertTrue(System.nanoTime() < deadline, "the guest agent did not answer within " + timeout + ": " + e);
                Thread.sleep(2000);
            }
        }
    }

    private static GuestExecStatus run(ProxmoxApi api, List<String> command, Optional<Secret> input)
            throws InterruptedException {
        int pid = api.agent().exec(PVE1, VMID, command, input);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        GuestExecStatus status = api.agent().execStatus(PVE1, VMID, pid);
        while (!status.exited() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            status = api.agent().execStatus(PVE1, VMID, pid);
        }
        assertTrue(status.exited(), command + " did not end");
        return status;
    }

    @Test
    void apiFaceDrivesARealDebian11GuestAndItsAgentWhileTheInitScriptRunsTwiceOnItsRelease() throws Exception {
        GuestImages images = RealGuestPeers.images("11");
        RealGuestPeers.requirePort22Free(ADDRESS);
        GuestImages.Image debian11 = images.debian("11").orElseThrow();
        String sha512 = Files.readString(debian11.checksums()).split("\\s+")[0];
        try (SshGuestAccess ssh = SshGuestAccess.builder(dir.resolve("guest_key")).build();
             SimulatedCluster cluster = SimulatedCluster.builder().node("pve1", "127.0.10.11").instant()
                     .realGuests(RealGuests.of(ssh, images)).api().build();
             SimImageMirror mirror = SimImageMirror.start().publish(images);
             ProxmoxApi api = ProxmoxApi.builder().url(cluster.api().url())
                     .trust(TlsTrust.pinned(cluster.api().fingerprint())).token(cluster.api().rootToken()).build()) {
            Path work = cluster.realGuestsWorkFolder().orElseThrow();
            String file = debian11.image().getFileName().toString();
            await(api, api.storage().downloadUrl(PVE1, "local", DownloadUrlSpec.of(
                    mirror.debianBase().resolve(debian11.mirrorPath()), ContentType.IMPORT, file)
                    .checksum(new Checksum(ChecksumAlgorithm.SHA512, sha512))), Duration.ofMinutes(5));
            await(api, api.vms().create(PVE1, VmCreateSpec.builder(VMID).name("rg-api-d11").memoryMiB(1024).cores(2)
                    .cpuType("x86-64-v2-AES").osType("l26").scsiHardware("virtio-scsi-single")
                    .disk(DiskSpec.importFrom("scsi0", "local-lvm", "local:import/" + file))
                    .disk(DiskSpec.cloudInit("ide2", "local-lvm"))
                    .nic(NicSpec.virtio(0, "vmbr0"))
                    .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", ADDRESS + "/24"),
                            Ipv4Address.parse("gw", "127.0.10.1")))
                    .ciUser("debian").sshKeys(List.of(SshPublicKey.parse("sshkeys", ssh.authorizedKey())))
                    .ciUpgrade(false).agent(true).serialSocket(0).vga("serial0").bootOrder(List.of("scsi0"))
                    .build()), Duration.ofMinutes(5));
            await(api, api.vms().start(PVE1, VMID), Duration.ofMinutes(2));
            assertEquals(VmStatus.RUNNING, api.vms().status(PVE1, VMID).status());
            assertEquals(1, RealGuestPeers.qemuProcesses(work.toString()).size(), "one QEMU runs the guest");

            // the Debian 11 init script on Debian 11, twice, over SSH: it installs and starts the guest agent
            GuestEndpoint endpoint = new GuestEndpoint(VMID, ADDRESS, 22, "debian");
            cluster.guestAccess().awaitReady(endpoint, BOOT, null);
            String script = RealGuestPeers.run(Map.of(), RealGuestPeers.projectRoot().resolve("sh/bundle.sh").toString(),
                    "debian_11.sh");
            for (int run = 1; run <= 2; run++) {
                List<String> out = Collections.synchronizedList(new ArrayList<>());
                int exit = cluster.guestAccess().runScript(endpoint, new GuestScript("debian_11.sh", script, OPTIONS,
                        Map.of(), Optional.empty()), BOOT, (stream, line) -> out.add(line));
                String text = String.join("\n", out);
                assertEquals(0, exit, text);
                if (run == 1) {
                    assertTrue(text.contains("[pveq] changed: installed") && text.contains("time zone set to America/Sao_Paulo")
                            && text.contains("system locale set to pt_BR.UTF-8"), text);
                } else {
                    assertTrue(text.contains("[pveq] finished: nothing to change"), text);
                }
            }

            // the guest agent the init script installed and started answers from inside the real guest
            awaitAgent(api);
            List<GuestInterface> nics = api.agent().networkInterfaces(PVE1, VMID);
            GuestInterface eth0 = nics.stream().filter(n -> n.name().equals("eth0")).findFirst().orElseThrow();
            String mac = api.vms().config(PVE1, VMID).get("net0").orElseThrow().replaceAll("^virtio=([^,]+),.*$", "$1");
            assertEquals(Optional.of(mac.toLowerCase(java.util.Locale.ROOT)), eth0.mac());
            assertTrue(eth0.addresses().stream().anyMatch(a -> a.address().equals("10.0.10.151") && a.prefix() == 24),
                    "the static address, as the guest holds a loopback address (GuestLan): " + eth0);
            GuestExecStatus cat = run(api, List.of("cat"), Optional.of(Secret.of("the secret\n")));
            assertEquals(0, cat.exitCode().getAsInt());
            assertEquals("the secret\n", cat.stdout());
            GuestExecStatus release = run(api, List.of("sh", "-c", "grep VERSION_ID /etc/os-release; exit 3"),
                    Optional.empty());
            assertEquals(3, release.exitCode().getAsInt());
            assertEquals("VERSION_ID=\"11\"\n", release.stdout());
            JsonNode os = get(cluster, "/nodes/pve1/qemu/151/agent/get-osinfo").get("result");
            assertEquals("debian", os.get("id").asText(), os.toString());
            assertEquals("11", os.get("version-id").asText(), os.toString());
            JsonNode fs = get(cluster, "/nodes/pve1/qemu/151/agent/get-fsinfo").get("result");
            assertTrue(fs.toString().contains("\"mountpoint\":\"/\""), fs.toString());

            // an API reboot as on Proxmox: ACPI shutdown, then a new QEMU with a fresh seed of the same instance
            List<Long> before = RealGuestPeers.qemuProcesses(work.toString());
            await(api, api.vms().reboot(PVE1, VMID), BOOT);
            List<Long> after = RealGuestPeers.qemuProcesses(work.toString());
            assertEquals(1, after.size());
            assertNotEquals(before, after, "the reboot started a new QEMU process");
            assertEquals(VmStatus.RUNNING, api.vms().status(PVE1, VMID).status(), "running again after the reboot");
            cluster.guestAccess().awaitReady(endpoint, BOOT, null);
            List<String> instances = Collections.synchronizedList(new ArrayList<>());
            assertEquals(0, cluster.guestAccess().runScript(endpoint, new GuestScript("check.sh",
                    "ls /var/lib/cloud/instances; grep -c \"running 'init-local'\" /var/log/cloud-init.log\n", List.of(),
                    Map.of(), Optional.empty()), Duration.ofMinutes(2), (stream, line) -> instances.add(line)));
            assertEquals(List.of(instances.get(0), "2"), instances, "one cloud-init instance, started on both boots");

            // an API shutdown: ACPI, the guest powers off, its QEMU ends; status and resources follow
            await(api, api.vms().shutdown(PVE1, VMID, Optional.of(Duration.ofMinutes(10)), false), BOOT);
            assertEquals(VmStatus.STOPPED, api.vms().status(PVE1, VMID).status());
            assertEquals(VmStatus.STOPPED, api.cluster().findGuest(VMID).orElseThrow().status());
            assertEquals(List.of(), RealGuestPeers.qemuProcesses(work.toString()), "the guest's QEMU ended");
            assertFalse(RealGuestPeers.listening(ADDRESS, 22), "the SSH forward ended with QEMU");
            await(api, api.vms().delete(PVE1, VMID, true), Duration.ofMinutes(2));
            assertFalse(cluster.vmIds().contains(VMID));
            assertEquals(List.of(), RealGuestPeers.files(work.resolve("volumes")), "no volume left");
        }
    }
}
