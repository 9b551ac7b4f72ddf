package io.pveq.api.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.GuestAccessException;
import io.pveq.core.ImagePlacement;
import io.pveq.core.InstallFailedException;
import io.pveq.core.InstallResult;
import io.pveq.core.NodeName;
import io.pveq.core.Operation;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.Stage;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.OutputListener;
import io.pveq.sim.SimFault;
import io.pveq.sim.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each failure point of an install, injected into the simulator, in both dialects: the install fails at the
 * right stage naming the cause, and nothing is left behind (no VM, no image it placed).
 */
class FailurePointsTest {

    @TempDir
    Path temp;

    private static final VmId FIRST = VmId.of(100);

    /** One failure point: how to break the cluster, the mirror or the provisioner. */
    record Point(Consumer<SimulatedCluster> cluster, Consumer<SimImages> images,
                 BiConsumer<SimulatedCluster, VmProvisioner.Builder> settings) {
        static Point cluster(Consumer<SimulatedCluster> c) {
            return new Point(c, i -> { }, (c2, b) -> { });
        }
    }

    static Stream<Arguments> failurePoints() {
        List<Arguments> all = new ArrayList<>();
        for (Dialect d : Dialect.values()) {
            boolean api = d == Dialect.API;
            all.add(Arguments.of(d, "storage missing", Stage.CHECKING_STORAGE, "storage 'nope' does not exist",
                    new Point(c -> { }, i -> { }, (c, b) -> b.storage("nope"))));
            all.add(Arguments.of(d, "image download fails", Stage.DOWNLOADING_IMAGE, "checksum mismatch",
                    new Point(c -> { }, i -> i.mirror.corruptImages(true), (c, b) -> { })));
            all.add(Arguments.of(d, "create fails", Stage.CREATING_VM, "unable to create VM 100 - no space",
                    Point.cluster(c -> c.faults().on("qm", "create").inject(new SimFault.Fail(
                            "unable to create VM 100 - no space", 255)))));
            all.add(Arguments.of(d, "import fails", Stage.IMPORTING_DISK, "qemu-img: Could not open",
                    Point.cluster(api ? c -> c.faults().onApi("POST", "/nodes/{node}/qemu/{vmid}/config")
                            .inject(new SimFault.Fail("qemu-img: Could not open the image", 255))
                            : c -> c.faults().on("qm", "disk", "import").inject(new SimFault.Fail(
                                    "qemu-img: Could not open '/var/lib/pveq/images/x.qcow2'", 255)))));
            all.add(Arguments.of(d, "start fails", Stage.WAITING_FOR_READY, "QEMU exited with code 1",
                    Point.cluster(c -> c.faults().on("qm", "start").inject(new SimFault.Fail(
                            "start failed: QEMU exited with code 1", 255)))));
            all.add(Arguments.of(d, "readiness timeout", Stage.WAITING_FOR_READY, api ? "guest agent" : "did not accept SSH",
                    new Point(c -> c.faults().guestUnreachable(FIRST, true), i -> { },
                            (c, b) -> b.timeouts(Dialect.timeouts(Duration.ofSeconds(1))))));
            all.add(Arguments.of(d, "init script fails", Stage.SSH_INITIALIZATION, "exited with code 3",
                    Point.cluster(c -> c.faults().failNextGuestScript(FIRST, 3))));
            if (api) {
                all.add(Arguments.of(d, "reboot fails", Stage.REBOOTING_NEW_VM, "reboot failed: guest agent gone",
                        Point.cluster(c -> c.faults().on("qm", "reboot").inject(new SimFault.Fail(
                                "reboot failed: guest agent gone", 255)))));
                all.add(Arguments.of(d, "the node cannot fetch the image and must", Stage.DOWNLOADING_IMAGE,
                        "no route to the mirror", new Point(c -> c.faults().onApi("POST",
                                "/nodes/{node}/storage/{storage}/download-url").inject(new SimFault.Fail(
                                "no route to the mirror", 500)), i -> { },
                                (c, b) -> b.imagePlacement(ImagePlacement.DOWNLOAD_URL))));
                all.add(Arguments.of(d, "the upload fails", Stage.IMPORTING_DISK, "storage full",
                        new Point(c -> c.faults().onApi("POST", "/nodes/{node}/storage/{storage}/upload")
                                .inject(new SimFault.Fail("storage full", 500)), i -> { },
                                (c, b) -> b.imagePlacement(ImagePlacement.UPLOAD))));
            } else {
                all.add(Arguments.of(d, "connection drops after the create did its work", Stage.CREATING_VM,
                        "dropped while running", Point.cluster(c -> c.faults().on("qm", "create").times(1)
                                .inject(new SimFault.ConnectionDrop(true)))));
                all.add(Arguments.of(d, "reboot fails", Stage.REBOOTING_NEW_VM, "connection reset during reboot",
                        new Point(c -> { }, i -> { }, (c, b) -> b.guests(new RebootFails(c.guestAccess())))));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("failurePoints")
    void failureRollsBackAndNamesTheCause(Dialect dialect, String name, Stage stage, String cause, Point point) {
        try (SimulatedCluster cluster = dialect.cluster().build(); SimImages images = new SimImages(temp)) {
            point.images().accept(images);
            point.cluster().accept(cluster);
            VmProvisioner.Builder builder = dialect.provisioner(cluster).images(images.cache());
            point.settings().accept(cluster, builder);
            try (VmProvisioner provisioner = builder.build()) {
                Operation<InstallResult> op = provisioner.submitInstall(InstallAndLifecycleTest.spec().build(), e -> { });
                InstallFailedException e = assertThrows(InstallFailedException.class, op::await);
                assertEquals(stage, e.stage(), e.getMessage());
                assertTrue(e.getMessage().contains(cause), e.getMessage());
                assertTrue(e.rollbackComplete(), e.getMessage());
                OperationFailed last = (OperationFailed) op.events().get(op.events().size() - 1);
                assertTrue(last.toJson().contains(cause), last.toJson());
                assertEquals(List.of(), cluster.vmIds(), "no VM left behind");
                if (dialect == Dialect.API) {
                    assertEquals(List.of(), ImportImages.on(cluster), () -> "no image left behind; rollback said: "
                            + op.events().stream().map(ev -> ev.toJson()).filter(j -> j.contains("image"))
                                    .toList());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void lockTimeoutsAreRetriedWithBackoff(Dialect dialect) {
        try (SimulatedCluster cluster = dialect.cluster().build(); SimImages images = new SimImages(temp);
             VmProvisioner provisioner = dialect.provisioner(cluster).images(images.cache()).build()) {
            var rule = cluster.faults().on("qm", "set").times(2).inject(new SimFault.LockTimeout());
            InstallResult r = provisioner.install(InstallAndLifecycleTest.spec().build(), e -> { });
            assertEquals(2, rule.hits());
            assertEquals(List.of(r.vmId()), cluster.vmIds());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aFailedMigrationLeavesTheVmWhereItWasAndSaysWhy(Dialect dialect) {
        try (SimulatedCluster cluster = dialect.cluster().build(); SimImages images = new SimImages(temp);
             VmProvisioner provisioner = dialect.provisioner(cluster).images(images.cache()).build()) {
            VmId id = provisioner.install(InstallAndLifecycleTest.spec().build(), e -> { }).vmId();
            cluster.faults().on("qm", "migrate").inject(new SimFault.Fail("migration aborted: target storage full", 255));
            PveqException e = assertThrows(PveqException.class,
                    () -> provisioner.migrate(id, NodeName.of("pve2"), event -> { }));
            assertTrue(e.getMessage().contains("target storage full"), e.getMessage());
            assertEquals(NodeName.of("pve1"), provisioner.vm(id).orElseThrow().node());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void cancellingAnInstallDestroysWhatItBuilt(Dialect dialect) throws Exception {
        try (SimulatedCluster cluster = dialect.cluster().bootDelay(Duration.ofHours(1)).build();
             SimImages images = new SimImages(temp);
             VmProvisioner provisioner = dialect.provisioner(cluster).images(images.cache()).build()) {
            java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
            Operation<InstallResult> op = provisioner.submitInstall(InstallAndLifecycleTest.spec().build(), event -> {
                if (event.stage() == Stage.WAITING_FOR_READY) {
                    waiting.countDown();
                }
            });
            waiting.await();
            op.cancel();
            assertThrows(io.pveq.core.OperationCancelledException.class, op::await);
            assertEquals(List.of(), cluster.vmIds());
            if (dialect == Dialect.API) {
                assertEquals(List.of(), ImportImages.on(cluster), "the image the install placed is gone too");
            }
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
