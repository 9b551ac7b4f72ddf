package io.pveq.sim.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.GuestAccessException;
import io.pveq.core.InstallFailedException;
import io.pveq.core.InstallResult;
import io.pveq.core.NodeName;
import io.pveq.core.Operation;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.OutputListener;
import io.pveq.sim.SimFault;
import io.pveq.sim.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each failure point of an install, injected into the simulator: the VM is gone and the error names the cause. */
class SimFailureTest {

    @TempDir
    Path temp;

    /** One failure point: how to break the cluster, settings or guests, and what must be reported. */
    record Point(Consumer<SimulatedCluster> cluster, Consumer<GeneratedImages> images,
                 Consumer<ProvisionerSettings.Builder> settings, UnaryOperator<GuestAccess> guests) {
    }

    private static final VmId FIRST = VmId.of(100);

    static Stream<Arguments> failurePoints() {
        return Stream.of(
                Arguments.of("storage missing", Stage.CHECKING_STORAGE, "storage 'nope' does not exist",
                        new Point(c -> { }, i -> { }, b -> b.storage("nope"), g -> g)),
                Arguments.of("image download fails", Stage.DOWNLOADING_IMAGE, "checksum mismatch",
                        new Point(c -> { }, i -> i.fetchFails = true, b -> { }, g -> g)),
                Arguments.of("create fails", Stage.CREATING_VM, "unable to create VM 100 - no space",
                        new Point(c -> c.faults().on("qm", "create").inject(new SimFault.Fail(
                                "unable to create VM 100 - no space", 255)), i -> { }, b -> { }, g -> g)),
                Arguments.of("connection drops after the create did its work", Stage.CREATING_VM, "dropped while running",
                        new Point(c -> c.faults().on("qm", "create").times(1).inject(new SimFault.ConnectionDrop(true)),
                                i -> { }, b -> { }, g -> g)),
                Arguments.of("import fails", Stage.IMPORTING_DISK, "qemu-img: Could not open",
                        new Point(c -> c.faults().on("qm", "disk", "import").inject(new SimFault.Fail(
                                "qemu-img: Could not open '/var/lib/pveq/images/x.qcow2'", 255)), i -> { }, b -> { },
                                g -> g)),
                Arguments.of("start fails", Stage.WAITING_FOR_READY, "QEMU exited with code 1",
                        new Point(c -> c.faults().on("qm", "start").inject(new SimFault.Fail(
                                "start failed: QEMU exited with code 1", 255)), i -> { }, b -> { }, g -> g)),
                Arguments.of("readiness timeout", Stage.WAITING_FOR_READY, "did not accept SSH",
                        new Point(c -> c.faults().guestUnreachable(FIRST, true), i -> { },
                                b -> b.timeouts(SimSetup.timeouts(Duration.ofSeconds(1))), g -> g)),
                Arguments.of("init script fails", Stage.SSH_INITIALIZATION, "exited with code 3",
                        new Point(c -> c.faults().failNextGuestScript(FIRST, 3), i -> { }, b -> { }, g -> g)),
                Arguments.of("reboot fails", Stage.REBOOTING_NEW_VM, "connection reset during reboot",
                        new Point(c -> { }, i -> { }, b -> { }, RebootFails::new)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failurePoints")
    void failureRollsBackAndNamesTheCause(String name, Stage stage, String cause, Point point) {
        try (SimulatedCluster cluster = SimSetup.cluster().build()) {
            GeneratedImages images = new GeneratedImages(temp);
            point.images().accept(images);
            point.cluster().accept(cluster);
            try (VmProvisioner provisioner = SimSetup.provisioner(cluster, images, point.settings(), point.guests())) {
                Operation<InstallResult> op = provisioner.submitInstall(SimInstallTest.spec().build(),
                        ProgressListener.NONE);
                InstallFailedException e = assertThrows(InstallFailedException.class, op::await);
                assertEquals(stage, e.stage(), e.getMessage());
                assertTrue(e.getMessage().contains(cause), e.getMessage());
                assertTrue(e.rollbackComplete(), e.getMessage());
                OperationFailed last = (OperationFailed) op.events().get(op.events().size() - 1);
                assertTrue(last.toJson().contains(cause), last.toJson());
                assertEquals(List.of(), cluster.vmIds(), "no VM left behind");
            }
        }
    }

    @Test
    void lockTimeoutsAreRetriedWithBackoff() {
        try (SimulatedCluster cluster = SimSetup.cluster().build();
             VmProvisioner provisioner = SimSetup.provisioner(cluster, temp)) {
            var rule = cluster.faults().on("qm", "set").times(2).inject(new SimFault.LockTimeout());
            InstallResult r = provisioner.install(SimInstallTest.spec().build(), ProgressListener.NONE);
            assertEquals(2, rule.hits());
            assertEquals(List.of(r.vmId()), cluster.vmIds());
        }
    }

    @Test
    void aFailedMigrationLeavesTheVmWhereItWasAndSaysWhy() {
        try (SimulatedCluster cluster = SimSetup.cluster().build();
             VmProvisioner provisioner = SimSetup.provisioner(cluster, temp)) {
            VmId id = provisioner.install(SimInstallTest.spec().build(), ProgressListener.NONE).vmId();
            cluster.faults().on("qm", "migrate").inject(new SimFault.Fail("migration aborted: target storage full", 255));
            PveqException e = assertThrows(PveqException.class,
                    () -> provisioner.migrate(id, NodeName.of("pve2"), ProgressListener.NONE));
            assertTrue(e.getMessage().contains("target storage full"), e.getMessage());
            assertEquals(NodeName.of("pve1"), provisioner.vm(id).orElseThrow().node());
        }
    }

    @Test
    void cancellingAnInstallDestroysWhatItBuilt() throws Exception {
        try (SimulatedCluster cluster = SimSetup.cluster().bootDelay(Duration.ofHours(1)).build();
             VmProvisioner provisioner = SimSetup.provisioner(cluster, temp)) {
            java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
            Operation<InstallResult> op = provisioner.submitInstall(SimInstallTest.spec().build(), event -> {
                if (event.stage() == Stage.WAITING_FOR_READY) {
                    waiting.countDown();
                }
            });
            waiting.await();
            op.cancel();
            assertThrows(io.pveq.core.OperationCancelledException.class, op::await);
            assertEquals(List.of(), cluster.vmIds());
        }
    }

    /** Guest access whose reboot request is lost. */
    private static final class RebootFails implements GuestAccess {
        private final GuestAccess inner;

        RebootFails(GuestAccess inner) {
            this.inner = inner;
        }

        @Override
        public String authorizedKey() {
            return inner.authorizedKey();
        }

        @Override
        public void awaitReady(GuestEndpoint endpoint, Duration deadline, ReadinessListener listener) {
            inner.awaitReady(endpoint, deadline, listener);
        }

        @Override
        public int runScript(GuestEndpoint endpoint, GuestScript script, Duration timeout, OutputListener output) {
            return inner.runScript(endpoint, script, timeout, output);
        }

        @Override
        public void reboot(GuestEndpoint endpoint) {
            throw new GuestAccessException("connection reset during reboot of " + endpoint);
        }
    }
}
