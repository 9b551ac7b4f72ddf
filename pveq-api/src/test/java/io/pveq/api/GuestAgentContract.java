package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The guest agent as seed 003 uses it (OS info, file systems, exec with exit code/stdout/stderr and a
 * timeout, file read/write) plus the address pick of API.md, over real HTTPS against the simulator's API
 * face of one release, every exchange checked against its apidata.js; and the privilege each release
 * checks, reported for what it is.
 */
abstract class GuestAgentContract extends GuestFeaturesFixture {

    VmId vm;

    @BeforeAll
    void start() {
        vm = agentVm();
    }

    /** @return a new stopped VM with an agent, net0 on a fixed MAC and ipconfig0 127.0.10.117/24 */
    VmId agentVm() {
        VmId id = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(id).name("agent-" + id).memoryMiB(512)
                .nic(NicSpec.virtio(0, "vmbr0").withMac("BC:24:11:00:01:17"))
                .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", "127.0.10.117/24"),
                        Ipv4Address.parse("gw", "127.0.10.1")))
                .agent(true).build()), WAIT, TaskListener.NONE);
        return id;
    }

    /** Runs {@code work} while the virtual clock moves on by itself (1 s of guest time every 2 ms). */
    <T> T withTimePassing(Supplier<T> work) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> peer.clock.advance(Duration.ofSeconds(1)), 0, 2, TimeUnit.MILLISECONDS);
        try {
            return work.get();
        } finally {
            ticker.shutdownNow();
        }
    }

    void booted() {
        booted(vm);
    }

    void booted(VmId id) {
        if (api.vms().status(PVE1, id).status() != io.pveq.core.VmStatus.RUNNING) {
            api.tasks().await(api.vms().start(PVE1, id), WAIT, TaskListener.NONE);
        }
        peer.clock.advance(Duration.ofMinutes(10)); // the guest boots and its agent starts
    }

    @Test
    void addressesComeFromTheConfigUntilTheAgentAnswersThenFromTheAgentOnNet0() {
        VmId fresh = agentVm();
        assertEquals(new GuestAddresses(List.of("127.0.10.117"), GuestAddresses.Source.CONFIG),
                api.agent().addresses(PVE1, fresh), "stopped: the ipconfig0 address");
        api.tasks().await(api.vms().start(PVE1, fresh), WAIT, TaskListener.NONE);
        assertEquals(GuestAddresses.Source.CONFIG, api.agent().addresses(PVE1, fresh).source(), "still booting");
        booted(fresh);
        GuestAddresses online = api.agent().addresses(PVE1, fresh);
        assertEquals(GuestAddresses.Source.RUNNING, online.source());
        assertEquals("127.0.10.117", online.addresses().get(0), online.toString());
        assertFalse(online.addresses().contains("127.0.0.1"), "loopback skipped: " + online);
        assertTrue(online.addresses().stream().noneMatch(a -> a.startsWith("fe80:")), "link-local skipped: " + online);
    }

    @Test
    void osInfoFileSystemsAndHostName() {
        booted();
        GuestOsInfo os = api.agent().osInfo(PVE1, vm);
        assertEquals(Optional.of("debian"), os.id());
        assertEquals(Optional.of("12"), os.versionId());
        assertTrue(os.kernelRelease().isPresent());
        List<GuestFileSystem> filesystems = api.agent().fileSystems(PVE1, vm);
        GuestFileSystem root = filesystems.stream().filter(f -> f.mountPoint().equals("/")).findFirst().orElseThrow();
        assertEquals("ext4", root.type());
        assertTrue(root.devices().contains("/dev/sda1"), root.toString());
        assertEquals("agent-" + vm, api.agent().hostName(PVE1, vm));
    }

    @Test
    void runWaitsForTheExitCodeAndOutputsAndGivesUpAfterItsTimeout() {
        booted();
        GuestExecStatus echo = withTimePassing(() -> api.agent().run(PVE1, vm, List.of("echo", "hello", "world"),
                Optional.empty(), Duration.ofMinutes(1)));
        assertTrue(echo.exited());
        assertEquals(0, echo.exitCode().getAsInt());
        assertEquals("hello world\n", echo.stdout());
        assertEquals("", echo.stderr());

        GuestExecStatus missing = withTimePassing(() -> api.agent().run(PVE1, vm, List.of("cat", "/nonexistent"),
                Optional.empty(), Duration.ofMinutes(1)));
        assertEquals(1, missing.exitCode().getAsInt(), "a failing command is a result, not an exception");
        assertEquals("cat: /nonexistent: No such file or directory\n", missing.stderr());

        GuestExecStatus stdin = withTimePassing(() -> api.agent().run(PVE1, vm, List.of("cat"),
                Optional.of(Secret.of("from stdin\n")), Duration.ofMinutes(1)));
        assertEquals("from stdin\n", stdin.stdout());

        GuestCommandTimeoutException slow = assertThrows(GuestCommandTimeoutException.class, () -> withTimePassing(
                () -> api.agent().run(PVE1, vm, List.of("sleep", "3600"), Optional.empty(), Duration.ofSeconds(30))));
        assertEquals(vm, slow.vmId());
        assertTrue(slow.getMessage().contains("still running after 30000 ms"), slow.getMessage());
        assertFalse(api.agent().execStatus(PVE1, vm, slow.pid()).exited(), "it still runs in the guest");

        InvalidSpecException empty = assertThrows(InvalidSpecException.class,
                () -> api.agent().run(PVE1, vm, List.of(), Optional.empty(), Duration.ofSeconds(1)));
        assertEquals("command", empty.field());
    }

    @Test
    void filesAreWrittenAndReadBackAndAMissingOneFailsWithTheAgentsText() {
        booted();
        api.agent().writeFile(PVE1, vm, "/etc/motd", "managed by pveq\n");
        assertEquals(new GuestFile("/etc/motd", "managed by pveq\n", false), api.agent().readFile(PVE1, vm, "/etc/motd"));
        GuestExecStatus cat = withTimePassing(() -> api.agent().run(PVE1, vm, List.of("cat", "/etc/motd"),
                Optional.empty(), Duration.ofMinutes(1)));
        assertEquals("managed by pveq\n", cat.stdout(), "the command sees the written file");
        assertTrue(api.agent().readFile(PVE1, vm, "/etc/os-release").content().contains("ID=debian"));
        ProxmoxApiException missing = assertThrows(ProxmoxApiException.class,
                () -> api.agent().readFile(PVE1, vm, "/no/such/file"));
        assertTrue(missing.getMessage().contains("failed to open file '/no/such/file'"), missing.getMessage());

        assertEquals("file", assertThrows(InvalidSpecException.class,
                () -> api.agent().readFile(PVE1, vm, "relative/path")).field());
        assertEquals("content", assertThrows(InvalidSpecException.class,
                () -> api.agent().writeFile(PVE1, vm, "/tmp/big", "x".repeat(61441))).field());
    }

    @Test
    void anAgentThatIsNotRunningIsUnavailable() {
        VmId off = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(off).name("noagent-" + off).memoryMiB(512)
                .agent(true).start(true).build()), WAIT, TaskListener.NONE);
        GuestAgentUnavailableException down = assertThrows(GuestAgentUnavailableException.class,
                () -> api.agent().osInfo(PVE1, off));
        assertTrue(down.getMessage().contains("QEMU guest agent is not running"), down.getMessage());
        api.tasks().await(api.vms().stop(PVE1, off), WAIT, TaskListener.NONE);
        api.tasks().await(api.vms().delete(PVE1, off, true), WAIT, TaskListener.NONE);
    }

    @Test
    void aMissingPrivilegeIsReportedForTheReleaseThatRefused() {
        booted();
        try (ProxmoxApi alice = peer.alice(new RequestLog())) {
            GuestAgentPermissionException denied = assertThrows(GuestAgentPermissionException.class,
                    () -> alice.agent().ping(PVE1, vm));
            assertEquals(Optional.of("/vms/" + vm), denied.aclPath());
            if (release().major() == 8) {
                assertEquals(Optional.of("VM.Monitor"), denied.privilege());
                assertTrue(denied.getMessage().contains("this is PVE 8, where guest agent calls need VM.Monitor"),
                        denied.getMessage());
            } else {
                assertEquals(Optional.of("VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"), denied.privilege());
                assertTrue(denied.getMessage().contains("this is PVE 9, where guest agent calls need "
                        + "VM.GuestAgent.Audit or VM.GuestAgent.Unrestricted on /vms/" + vm), denied.getMessage());
                GuestAgentPermissionException exec = assertThrows(GuestAgentPermissionException.class,
                        () -> alice.agent().exec(PVE1, vm, List.of("true"), Optional.empty()));
                assertEquals(Optional.of("VM.GuestAgent.Unrestricted"), exec.privilege());
            }
            assertThrows(GuestAgentPermissionException.class, () -> alice.agent().addresses(PVE1, vm),
                    "a refusal is no reason to fall back to the config");
        }
    }
}
