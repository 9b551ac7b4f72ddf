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
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up check over the API ({@link VmProvisioner#checkAccess()}) names exactly the privilege a token
 * lacks, and an install that would need it fails before anything is created; the minimal role
 * docs/operations.md documents for PVE 8 and 9 lacks nothing and installs. On the simulator, whose ACLs and
 * privilege names follow each release.
 */
class AccessCheckTest {

    private static final String TOKEN_SECRET = "0b6c8a4e-5d2f-4e61-9a3b-7c1d2e3f4a5b";

    @TempDir
    Path temp;

    /**
     * @return the privileges of docs/operations.md's {@code pveum role add PveqProvisioner -privs "..."} line for
     *         {@code major} (the line after {@code # PVE <major>}), so the documented role is the one tested
     */
    static Set<String> documentedRole(int major) {
        try {
            List<String> lines = Files.readAllLines(Path.of("..", "docs", "operations.md"));
            int at = lines.indexOf("# PVE " + major);
            String line = lines.get(at + 1);
            Matcher m = Pattern.compile("^pveum role add PveqProvisioner -privs \"([A-Za-z.,]+)\"$").matcher(line);
            assertTrue(at >= 0 && m.matches(), "docs/operations.md has the role for PVE " + major + ": " + line);
            return new TreeSet<>(List.of(m.group(1).split(",")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SimulatedCluster cluster(PveRelease release, Set<String> privileges) {
        return SimulatedCluster.builder().speedFactor(Dialect.SPEED).release(release)
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

    @ParameterizedTest
    @EnumSource(value = PveRelease.class, names = {"PVE_8_4", "PVE_9_1"})
    void aTokenLackingOnePrivilegeIsToldWhichAndInstallsFailBeforeCreatingAnything(PveRelease release) {
        Set<String> allButOne = new HashSet<>(documentedRole(release.major()));
        assertTrue(allButOne.remove("VM.Config.Cloudinit"));
        try (SimulatedCluster cluster = cluster(release, allButOne); SimImages images = new SimImages(temp);
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

    @ParameterizedTest
    @EnumSource(value = PveRelease.class, names = {"PVE_8_4", "PVE_9_1"})
    void theDocumentedRoleLacksNothingAndInstalls(PveRelease release) {
        try (SimulatedCluster cluster = cluster(release, documentedRole(release.major()));
             SimImages images = new SimImages(temp);
             VmProvisioner pveq = provisioner(cluster).images(images.cache()).build()) {
            assertEquals(List.of(), pveq.checkAccess());
            pveq.install(InstallAndLifecycleTest.spec().build(), event -> { });
            assertEquals(1, cluster.vmIds().size());
        }
    }
}
