package io.pveq.sim;

import static io.pveq.sim.SimTesting.PVE1;
import static io.pveq.sim.SimTesting.PVE2;
import static io.pveq.sim.SimTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.GuestAccessException;
import io.pveq.core.VmId;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTimeoutException;
import io.pveq.core.transport.OutputListener;
import io.pveq.core.transport.TransportException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Simulated guests, the simulated network, time and injected faults. */
class GuestAndFaultTest {

    private final SimClock clock = SimClock.create();
    private final SimulatedCluster cluster = SimulatedCluster.builder().clock(clock).seed(7).build();
    private final GuestEndpoint endpoint = new GuestEndpoint(VmId.of(100), "127.0.10.100", 22, "debian");

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        cluster.close();
    }

    private void createGuest() throws Exception {
        Path keys = Files.writeString(dir.resolve("k.pub"), cluster.guestAccess().authorizedKey() + "\n");
        CommandResult created = run(cluster, PVE1, "qm", "create", "100", "--ciuser", "debian", "--cipassword", "pw",
                "--sshkeys", keys.toString(), "--ipconfig0", "ip=127.0.10.100/24,gw=127.0.10.1",
                "--net0", "virtio,bridge=vmbr0", "--ide2", "local-lvm:cloudinit");
        assertEquals(0, created.exitCode(), created.stderr());
    }

    @Test
    void guestBecomesReadyOnlyAfterStartPlusBootDelay() throws Exception {
        createGuest();
        GuestAccess guests = cluster.guestAccess();
        GuestAccessException stopped = assertThrows(GuestAccessException.class,
                () -> guests.awaitReady(endpoint, Duration.ofSeconds(5), GuestAccess.ReadinessListener.NONE));
        assertTrue(stopped.getMessage().contains("connection timed out"), stopped.getMessage());
        run(cluster, PVE1, "qm", "start", "100");
        Instant started = clock.instant();
        List<String> outcomes = new ArrayList<>();
        guests.awaitReady(endpoint, Duration.ofMinutes(2), new GuestAccess.ReadinessListener() {
            @Override
            public void onAttempt(int attempt, Duration elapsed, String outcome) {
                outcomes.add(outcome);
            }
        });
        assertEquals("connection refused", outcomes.get(0));
        assertEquals(Duration.ofSeconds(20), Duration.between(started, clock.instant()), "default boot delay");
    }

    @Test
    void guestAnswersOnlyAtItsIpconfigAddressAndForItsUserWithTheKey() throws Exception {
        createGuest();
        run(cluster, PVE1, "qm", "start", "100");
        clock.advance(Duration.ofSeconds(30));
        GuestAccess guests = cluster.guestAccess();
        assertThrows(GuestAccessException.class, () -> guests.awaitReady(
                new GuestEndpoint(VmId.of(100), "127.0.10.101", 22, "debian"), Duration.ofSeconds(1),
                GuestAccess.ReadinessListener.NONE));
        GuestAccessException wrongUser = assertThrows(GuestAccessException.class, () -> guests.awaitReady(
                new GuestEndpoint(VmId.of(100), "127.0.10.100", 22, "root"), Duration.ofSeconds(1),
                GuestAccess.ReadinessListener.NONE));
        assertTrue(wrongUser.getMessage().contains("Permission denied (publickey)"));
        guests.awaitReady(endpoint, Duration.ofSeconds(1), GuestAccess.ReadinessListener.NONE);
    }

    @Test
    void runScriptIsRecordedWithArgumentsEnvironmentAndSecretFlag() throws Exception {
        createGuest();
        run(cluster, PVE1, "qm", "start", "100");
        clock.advance(Duration.ofSeconds(30));
        GuestScript script = new GuestScript("debian_12.sh", "#!/bin/sh\necho hi\n", List.of("--timezone", "UTC"),
                Map.of("LANG", "C.UTF-8"), Optional.of("rootpw".getBytes(StandardCharsets.UTF_8)));
        List<String> lines = new ArrayList<>();
        int exit = cluster.guestAccess().runScript(endpoint, script, Duration.ofMinutes(5), (s, l) -> lines.add(l));
        assertEquals(0, exit);
        assertFalse(lines.isEmpty());
        SimGuest guest = cluster.guest(VmId.of(100)).orElseThrow();
        SimGuest.ScriptRun recorded = guest.scripts().get(0);
        assertEquals(List.of("--timezone", "UTC"), recorded.arguments());
        assertEquals("C.UTF-8", recorded.environment().get("LANG"));
        assertTrue(recorded.secretOnStdin());
        assertEquals(Optional.of("debian"), guest.cloudInit().user());
        assertEquals(List.of(cluster.guestAccess().authorizedKey()), guest.cloudInit().sshKeys());
        cluster.faults().failNextGuestScript(VmId.of(100), 3);
        assertEquals(3, cluster.guestAccess().runScript(endpoint, script, Duration.ofMinutes(5), (s, l) -> { }));
    }

    @Test
    void guestRebootMakesItUnreadyForTheBootDelay() throws Exception {
        createGuest();
        run(cluster, PVE1, "qm", "start", "100");
        clock.advance(Duration.ofSeconds(30));
        cluster.guestAccess().reboot(endpoint);
        assertThrows(GuestAccessException.class, () -> cluster.guestAccess().awaitReady(endpoint, Duration.ofSeconds(5),
                GuestAccess.ReadinessListener.NONE));
        cluster.guestAccess().awaitReady(endpoint, Duration.ofSeconds(30), GuestAccess.ReadinessListener.NONE);
        assertEquals(1, cluster.guest(VmId.of(100)).orElseThrow().guestReboots());
    }

    @Test
    void addressProbeSeesRunningVmsNodesAndOccupiedAddresses() throws Exception {
        createGuest();
        InetAddress vm = InetAddress.getByName("127.0.10.100");
        assertFalse(cluster.addressProbe().inUse(vm, Duration.ofMillis(100)));
        run(cluster, PVE1, "qm", "start", "100");
        assertTrue(cluster.addressProbe().inUse(vm, Duration.ofMillis(100)));
        assertTrue(cluster.addressProbe().inUse(InetAddress.getByName("127.0.10.11"), Duration.ofMillis(100)));
        InetAddress outsider = InetAddress.getByName("127.0.10.150");
        assertFalse(cluster.addressProbe().inUse(outsider, Duration.ofMillis(100)));
        cluster.occupyAddress("127.0.10.150");
        assertTrue(cluster.addressProbe().inUse(outsider, Duration.ofMillis(100)));
    }

    @Test
    void failFaultFiresOnceOnTheMatchingNode() {
        SimFaults.Handle handle = cluster.faults().on("qm", "start").node(PVE1).times(1)
                .inject(SimFault.fail("start failed: QEMU exited with code 1"));
        run(cluster, PVE1, "qm", "create", "100");
        CommandResult failed = run(cluster, PVE1, "qm", "start", "100");
        assertEquals(255, failed.exitCode());
        assertEquals("start failed: QEMU exited with code 1\n", failed.stderr());
        assertEquals(0, run(cluster, PVE1, "qm", "start", "100").exitCode());
        assertEquals(1, handle.hits());
    }

    @Test
    void lockTimeoutFaultPrintsProxmoxLockText() {
        run(cluster, PVE1, "qm", "create", "100");
        cluster.faults().on("qm", "set").vm(VmId.of(100)).times(1).inject(SimFault.lockTimeout());
        CommandResult result = run(cluster, PVE1, "qm", "set", "100", "--memory", "4096");
        assertEquals(255, result.exitCode());
        assertEquals("trying to acquire lock...\ncan't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n",
                result.stderr());
    }

    @Test
    void connectionDropAfterEffectLosesTheResultButKeepsTheVm() {
        cluster.faults().on("qm", "create").times(1).inject(SimFault.connectionDrop(true));
        assertThrows(TransportException.class, () -> run(cluster, PVE1, "qm", "create", "100"));
        assertEquals(List.of(VmId.of(100)), cluster.vmIds());
    }

    @Test
    void offlineNodeRefusesCommandsAndMigrationToIt() {
        run(cluster, PVE1, "qm", "create", "100");
        cluster.setNodeOnline(PVE2, false);
        assertThrows(TransportException.class, () -> run(cluster, PVE2, "qm", "list"));
        CommandResult migrate = run(cluster, PVE1, "qm", "migrate", "100", "pve2");
        assertEquals(255, migrate.exitCode());
        assertEquals("migration aborted\n", migrate.stderr());
        cluster.setNodeOnline(SimTesting.PVE3, false);
        assertEquals("cluster not ready - no quorum?\n", run(cluster, PVE1, "qm", "create", "101").stderr());
    }

    @Test
    void delayFaultAndTimeoutUseSimulatedTime() {
        cluster.faults().on("qm", "status").inject(SimFault.delay(Duration.ofMinutes(5)));
        run(cluster, PVE1, "qm", "create", "100");
        CommandRequest request = CommandRequest.builder(List.of("qm", "status", "100"))
                .timeout(Duration.ofSeconds(30)).build();
        Instant before = clock.instant();
        assertThrows(CommandTimeoutException.class, () -> cluster.transport(PVE1).run(request));
        assertEquals(Duration.ofSeconds(30), Duration.between(before, clock.instant()));
    }

    @Test
    void importProgressIsStreamedToTheListener() throws Exception {
        Path image = SimTesting.qcow2(dir, "i.qcow2", 1L << 30);
        List<String> streamed = new ArrayList<>();
        OutputListener listener = (stream, line) -> streamed.add(line);
        cluster.transport(PVE1).run(CommandRequest.builder(List.of("qm", "create", "100", "--scsi0",
                "local-lvm:0,import-from=" + image)).listener(listener).build());
        assertTrue(streamed.contains("transferred 512.0 MiB of 1.0 GiB (50.00%)"), streamed.toString());
    }

    @Test
    void seededClustersGenerateTheSameMacs() {
        try (SimulatedCluster a = SimulatedCluster.builder().clock(SimClock.create()).seed(99).build();
             SimulatedCluster b = SimulatedCluster.builder().clock(SimClock.create()).seed(99).build()) {
            run(a, PVE1, "qm", "create", "100", "--net0", "virtio");
            run(b, PVE1, "qm", "create", "100", "--net0", "virtio");
            assertEquals(a.vmConfig(VmId.of(100)).orElseThrow().get("net0"),
                    b.vmConfig(VmId.of(100)).orElseThrow().get("net0"));
        }
    }
}
