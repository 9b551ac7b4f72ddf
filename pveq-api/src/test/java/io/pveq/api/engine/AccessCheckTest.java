package io.pveq.api.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.api.ProxmoxApi;
import io.pveq.api.RetryPolicy;
import io.pveq.api.SchemaCheck;
import io.pveq.api.TlsTrust;
import io.pveq.core.GuestAccessMode;
import io.pveq.core.InstallFailedException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Secret;
import io.pveq.core.VmProvisioner;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up check over the API ({@link VmProvisioner#checkAccess()}) names exactly the privilege a token
 * lacks, and an install that would need it fails before anything is created. The token's role is every
 * privilege pveq asks for but one, granted on {@code /}, on the simulator, whose ACLs follow Proxmox's.
 */
class AccessCheckTest {

    private static final String TOKEN_SECRET = "0b6c8a4e-5d2f-4e61-9a3b-7c1d2e3f4a5b";

    @TempDir
    Path temp;

    /**
     * The privileges an install and the lifecycle calls use on PVE 8 (the simulator's default release) with
     * guests reached through the agent ({@code VM.Monitor}; PVE 9 splits it into {@code VM.GuestAgent.*}).
     */
    private static final Set<String> EVERYTHING = Set.of("VM.Allocate", "VM.Audit", "VM.PowerMgmt", "VM.Config.Disk",
            "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options", "VM.Config.HWType",
            "VM.Config.Cloudinit", "VM.Migrate", "VM.Monitor",
            "Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit", "Sys.Audit", "SDN.Use");

    private static SimulatedCluster cluster(Set<String> privileges) {
        return SimulatedCluster.builder().speedFactor(Dialect.SPEED)
                .api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO))
                .role("PveqProvisioner", privileges)
                .token("pveq@pve", "prov", TOKEN_SECRET, false)
                .acl("/", "pveq@pve", "PveqProvisioner", true)
                .build();
    }

    private static VmProvisioner.Builder provisioner(SimulatedCluster cluster) {
        OkHttpClient http = new OkHttpClient.Builder().addInterceptor(SchemaCheck.bothIfAvailable()).build();
        ProxmoxApi api = ProxmoxApi.builder().url(cluster.api().url()).token("pveq@pve!prov=" + TOKEN_SECRET)
                .trust(TlsTrust.pinned(cluster.api().fingerprint())).httpClient(http)
                .taskPolling(Duration.ofMillis(5), Duration.ofMillis(50))
                .retry(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), 5)).build();
        return VmProvisioner.builder().connect(api).addressProbe(cluster.addressProbe()).storage("local-lvm")
                .gateway(Ipv4Address.of(127, 0, 10, 1)).guestAccess(GuestAccessMode.AGENT)
                .rootPassword(Secret.of("sim-root-password")).timeouts(Dialect.timeouts(Duration.ofSeconds(20)));
    }

    @Test
    void aTokenLackingOnePrivilegeIsToldWhichAndInstallsFailBeforeCreatingAnything() {
        Set<String> allButOne = new HashSet<>(EVERYTHING);
        allButOne.remove("VM.Config.Cloudinit");
        try (SimulatedCluster cluster = cluster(allButOne); SimImages images = new SimImages(temp);
             VmProvisioner pveq = provisioner(cluster).images(images.cache()).build()) {
            List<String> missing = pveq.checkAccess();
            assertTrue(missing.contains("token pveq@pve!prov lacks VM.Config.Cloudinit on /vms"), missing.toString());
            assertTrue(missing.stream().allMatch(line -> line.contains("VM.Config.Cloudinit")), missing.toString());
            InstallFailedException e = assertThrows(InstallFailedException.class,
                    () -> pveq.install(InstallAndLifecycleTest.spec().build(), event -> { }));
            assertTrue(e.getMessage().contains("lacks VM.Config.Cloudinit on /vms/"), e.getMessage());
            assertEquals(List.of(), cluster.vmIds(), "nothing was created");
        }
    }

    @Test
    void aTokenWithEveryPrivilegeHearsNothingMissing() {
        try (SimulatedCluster cluster = cluster(EVERYTHING); SimImages images = new SimImages(temp);
             VmProvisioner pveq = provisioner(cluster).images(images.cache()).build()) {
            assertEquals(List.of(), pveq.checkAccess());
        }
    }
}
