package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.GuestAccessException;
import io.pveq.core.GuestInitOptions;
import io.pveq.core.InstallFailedException;
import io.pveq.core.InstallSpec;
import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.VmId;
import io.pveq.core.event.StageDetail;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.internal.engine.EngineProvisioner;
import io.pveq.core.internal.engine.Retry;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.images.ImageCache;
import io.pveq.sim.GuestImages;
import io.pveq.sim.RealGuests;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import io.pveq.ssh.SshGuestAccess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS init scripts on their real Debian releases, and the failure paths of an install on real
 * guests. Debian 12's script is run (twice) by {@link RealGuestInstallIT}; here Debian 11 and 13, each
 * on one boot: Debian 11 booted as pveq would create it, the script run twice over SSH (then a
 * {@code qm reboot}: a new QEMU process, the same cloud-init instance); Debian 13
 * through a whole install by the library whose init script runs the real script twice and then fails
 * on purpose, so the same boot also proves the rollback of a failed init script on a real guest. A
 * guest that never boots (a disk with no boot loader) times out with its serial console in the error
 * and is rolled back. Rolled back means: no VM, no QEMU process, no volume, no forwarded port. The
 * Debian 11 and 13 tests are tagged {@value #MORE_REAL_GUESTS}: the default suite leaves them out,
 * {@code mvn verify -Pall-real-guests} runs them.
 */
class RealGuestScriptsIT {

    /** Minutes of software emulation each: run with {@code -Pall-real-guests} (pveq-server's pom). */
    static final String MORE_REAL_GUESTS = "more-real-guests";

    private static final List<String> OPTIONS = List.of("--timezone", "America/Sao_Paulo", "--locale", "pt_BR.UTF-8",
            "--packages", "tree", "--mirror", "http://10.0.10.1/debian");

    @TempDir
    Path dir;

    private static String bundled(String name) throws Exception {
        return RealGuestPeers.run(Map.of(), RealGuestPeers.projectRoot().resolve("sh/bundle.sh").toString(), name);
    }

    private static CommandResult qm(SimulatedCluster cluster, String... args) {
        List<String> argv = new ArrayList<>(List.of("qm"));
        argv.addAll(List.of(args));
        return cluster.transport(NodeName.of("pve1")).run(CommandRequest.builder(argv).timeout(Duration.ofMinutes(5)).build());
    }

    private static void assertNothingLeft(SimulatedCluster cluster, Path work, int vmid, String address) throws Exception {
        assertFalse(cluster.vmIds().contains(VmId.of(vmid)), "VM " + vmid + " is gone");
        assertEquals(List.of(), RealGuestPeers.qemuProcesses(work.toString()), "no QEMU process left");
        assertEquals(List.of(), RealGuestPeers.files(work.resolve("volumes")), "no volume left");
        assertFalse(RealGuestPeers.listening(address, 22), "no forwarded port left");
    }

    @Test
    @Tag(MORE_REAL_GUESTS)
    void debian11InitScriptRunsTwiceOnDebian11AndTheSecondRunChangesNothing() throws Exception {
        GuestImages images = RealGuestPeers.images("11");
        String address = "127.0.10.151";
        RealGuestPeers.requirePort22Free(address);
        try (SshGuestAccess ssh = SshGuestAccess.builder(dir.resolve("guest_key")).build();
             SimulatedCluster cluster = SimulatedCluster.builder().node("pve1", "127.0.10.11").instant()
                     .realGuests(RealGuests.of(ssh, images)).build()) {
            Path work = cluster.realGuestsWorkFolder().orElseThrow();
            Path keys = dir.resolve("keys.pub");
            Files.writeString(keys, ssh.authorizedKey() + "\n");
            CommandResult create = qm(cluster, "create", "151", "--name", "rg-d11", "--memory", "1024", "--cores", "2",
                    "--cpu", "x86-64-v2-AES", "--ostype", "l26", "--scsihw", "virtio-scsi-single", "--scsi0",
                    "local-lvm:0,import-from=" + images.debian("11").orElseThrow().image() + ",discard=on,iothread=1",
                    "--net0", "virtio,bridge=vmbr0", "--ide2", "local-lvm:cloudinit", "--serial0", "socket", "--vga",
                    "serial0", "--boot", "order=scsi0", "--agent", "enabled=1", "--ciuser", "debian", "--sshkeys",
                    keys.toString(), "--ipconfig0", "ip=" + address + "/24,gw=127.0.10.1");
            assertEquals(0, create.exitCode(), create.stderr());
            CommandResult start = qm(cluster, "start", "151");
            assertEquals(0, start.exitCode(), start.stderr());
            CommandResult resources = cluster.transport(NodeName.of("pve1")).run(CommandRequest.builder(List.of("pvesh",
                    "get", "/cluster/resources", "--type", "vm", "--output-format", "json")).timeout(Duration.ofMinutes(1)).build());
            assertTrue(resources.stdout().contains("\"status\":\"running\"") && resources.stdout().contains("\"vmid\":151"),
                    resources.stdout());
            GuestEndpoint endpoint = new GuestEndpoint(VmId.of(151), address, 22, "debian");
            cluster.guestAccess().awaitReady(endpoint, Duration.ofMinutes(20), null);
            String script = bundled("debian_11.sh");
            for (int run = 1; run <= 2; run++) {
                List<String> out = Collections.synchronizedList(new ArrayList<>());
                int exit = cluster.guestAccess().runScript(endpoint, new GuestScript("debian_11.sh", script, OPTIONS,
                        Map.of(), Optional.empty()), Duration.ofMinutes(20), (stream, line) -> out.add(line));
                assertEquals(0, exit, String.join("\n", out));
                String text = String.join("\n", out);
                if (run == 1) {
                    assertTrue(text.contains("[pveq] changed: installed") && text.contains("time zone set to America/Sao_Paulo")
                            && text.contains("system locale set to pt_BR.UTF-8"), text);
                } else {
                    assertTrue(text.contains("[pveq] finished: nothing to change"), text);
                }
            }
            // qm reboot as on Proxmox: an ACPI shutdown, then a new QEMU process with a fresh seed; the
            // same instance-id, so cloud-init does not run its per-instance work again
            String pid = qm(cluster, "status", "151", "--verbose").stdout().lines().filter(l -> l.startsWith("pid: "))
                    .findFirst().orElseThrow();
            CommandResult reboot = qm(cluster, "reboot", "151");
            assertEquals(0, reboot.exitCode(), reboot.stderr());
            String after = qm(cluster, "status", "151", "--verbose").stdout();
            assertTrue(after.contains("status: running") && !after.contains(pid + "\n"), pid + " -> " + after);
            cluster.guestAccess().awaitReady(endpoint, Duration.ofMinutes(20), null);
            List<String> instances = Collections.synchronizedList(new ArrayList<>());
            assertEquals(0, cluster.guestAccess().runScript(endpoint, new GuestScript("check.sh",
                    "ls /var/lib/cloud/instances; grep -c \"running 'init-local'\" /var/log/cloud-init.log\n", List.of(),
                    Map.of(), Optional.empty()), Duration.ofMinutes(2), (stream, line) -> instances.add(line)));
            assertEquals(2, instances.size(), instances.toString());
            assertEquals("2", instances.get(1), "cloud-init started on both boots: " + instances);
            assertEquals(0, qm(cluster, "stop", "151").exitCode());
            assertEquals("status: stopped\n", qm(cluster, "status", "151").stdout());
            assertEquals(List.of(), RealGuestPeers.qemuProcesses(work.toString()), "qm stop ended QEMU (QMP quit)");
            assertEquals(0, qm(cluster, "destroy", "151").exitCode());
            assertNothingLeft(cluster, work, 151, address);
        }
    }

    /** A provisioner over the cluster: the real image download from the mirror, the guests' own SSH. */
    private EngineProvisioner provisioner(SimulatedCluster cluster, SimImageMirror mirror, int vmid,
                                          io.pveq.core.internal.engine.InitScriptSource scripts, Duration sshReady) {
        ProvisionerSettings.Timeouts t = ProvisionerSettings.Timeouts.DEFAULTS;
        ProvisionerSettings settings = ProvisionerSettings.builder().mainNode(NodeName.of("pve1"))
                .storage("local-lvm").gateway(Ipv4Address.of(127, 0, 10, 1)).ipRange(vmid, vmid)
                .guestInit(new GuestInitOptions(Optional.of("America/Sao_Paulo"), Optional.of("pt_BR.UTF-8"),
                        List.of("tree"), Map.of("debian", URI.create("http://10.0.10.1/debian"))))
                .timeouts(new ProvisionerSettings.Timeouts(t.command(), t.longCommand(), sshReady, t.initScript(),
                        t.shutdown(), t.addressProbe(), t.cpuLevelCache(), t.operationRetention()))
                .build();
        ImageCache images = ImageCache.builder(dir.resolve("image-cache")).mirror("debian", mirror.debianBase()).build();
        EngineProvisioner.Setup setup = new EngineProvisioner.Setup(settings, cluster.commandLine(), images,
                Optional.of(cluster.guestAccess()), cluster.addressProbe(), java.time.Clock.systemUTC(),
                Optional.empty(), Optional.empty(), io.pveq.core.ProxmoxListener.NONE);
        return EngineProvisioner.create(setup, scripts, Retry.defaults());
    }

    @Test
    @Tag(MORE_REAL_GUESTS)
    void debian13InitScriptRunsTwiceThenAFailingInitScriptRollsTheInstallBack() throws Exception {
        GuestImages images = RealGuestPeers.images("13");
        String address = "127.0.10.152";
        RealGuestPeers.requirePort22Free(address);
        // the real script twice (the second run must change nothing), then a failure of our own
        String real = bundled("debian_13.sh");
        String twiceThenFail = "#!/usr/bin/env bash\nset -u\nreal=$(mktemp)\ncat >\"$real\" <<'PVEQ_REAL_INIT_SCRIPT'\n"
                + real + (real.endsWith("\n") ? "" : "\n") + "PVEQ_REAL_INIT_SCRIPT\n"
                + "bash \"$real\" \"$@\" </dev/null || exit $?\necho '[test] second run'\n"
                + "bash \"$real\" \"$@\" </dev/null || exit $?\nrm -f \"$real\"\necho '[test] failing on purpose' >&2\nexit 7\n";
        try (SshGuestAccess ssh = SshGuestAccess.builder(dir.resolve("guest_key")).build();
             SimulatedCluster cluster = SimulatedCluster.builder().node("pve1", "127.0.10.11").instant()
                     .realGuests(RealGuests.of(ssh, images)).build();
             SimImageMirror mirror = SimImageMirror.start().publish(images)) {
            Path work = cluster.realGuestsWorkFolder().orElseThrow();
            List<String> details = Collections.synchronizedList(new ArrayList<>());
            try (EngineProvisioner provisioner = provisioner(cluster, mirror, 152,
                    release -> release.equals(OsRelease.of("debian", "13")) ? Optional.of(twiceThenFail) : Optional.empty(),
                    Duration.ofMinutes(20))) {
                InstallSpec spec = InstallSpec.builder(OsRelease.of("debian", "13")).name("rg-d13").user("debian")
                        .cpu(2).ramMb(1024).build();
                InstallFailedException failed = assertThrows(InstallFailedException.class,
                        () -> provisioner.install(spec, event -> {
                            if (event instanceof StageDetail d) {
                                details.add(d.text());
                            }
                        }));
                String text = String.join("\n", details);
                assertTrue(failed.getMessage().contains("exited with code 7"), failed.getMessage());
                int second = text.indexOf("[test] second run");
                assertTrue(second > 0, text);
                String first = text.substring(0, second);
                assertTrue(first.contains("[pveq] changed: installed") && first.contains("time zone set to America/Sao_Paulo")
                        && first.contains("system locale set to pt_BR.UTF-8"), first);
                assertTrue(text.substring(second).contains("[pveq] finished: nothing to change"), text.substring(second));
                assertTrue(text.contains("[test] failing on purpose"), text);
            }
            assertNothingLeft(cluster, work, 152, address);
        }
    }

    @Test
    void aGuestThatNeverBootsTimesOutWithItsSerialConsoleAndIsRolledBack() throws Exception {
        RealGuestPeers.images();
        String address = "127.0.10.153";
        RealGuestPeers.requirePort22Free(address);
        // a disk with no boot loader, published as Debian 11's image
        Path blank = dir.resolve("blank").resolve("debian-11");
        Files.createDirectories(blank);
        Path image = blank.resolve("debian-11-generic-amd64.qcow2");
        RealGuestPeers.run(Map.of(), "qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "2G");
        String sum = RealGuestPeers.run(Map.of(), "sha512sum", image.toString()).split(" ")[0];
        Files.writeString(blank.resolve("SHA512SUMS"), sum + "  " + image.getFileName() + "\n");
        Files.createDirectories(dir.resolve("blank").resolve("repo"));
        GuestImages unbootable = GuestImages.in(dir.resolve("blank"));
        try (SshGuestAccess ssh = SshGuestAccess.builder(dir.resolve("guest_key")).build();
             SimulatedCluster cluster = SimulatedCluster.builder().node("pve1", "127.0.10.11").instant()
                     .realGuests(RealGuests.of(ssh, unbootable)).build();
             SimImageMirror mirror = SimImageMirror.start().publish(unbootable)) {
            Path work = cluster.realGuestsWorkFolder().orElseThrow();
            try (EngineProvisioner provisioner = provisioner(cluster, mirror, 153,
                    io.pveq.core.internal.engine.InitScriptSource.NONE, Duration.ofSeconds(25))) {
                InstallSpec spec = InstallSpec.builder(OsRelease.of("debian", "11")).name("rg-never").user("debian")
                        .cpu(1).ramMb(512).disk(io.pveq.core.DiskSize.ofGiB(16)).build();
                InstallFailedException failed = assertThrows(InstallFailedException.class,
                        () -> provisioner.install(spec, event -> { }));
                Throwable cause = failed;
                String all = "";
                while (cause != null) {
                    all += cause.getMessage() + "\n";
                    cause = cause.getCause();
                }
                assertTrue(all.contains("serial console of VM 153") && all.contains("No bootable device"), all);
                assertTrue(failed.getCause() instanceof GuestAccessException || all.contains("did not accept SSH"), all);
            }
            assertNothingLeft(cluster, work, 153, address);
        }
    }
}
