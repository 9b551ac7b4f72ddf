package io.pveq.core.internal.engine;

import io.pveq.core.VmLimits;
import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.DiskSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InstallFailedException;
import io.pveq.core.InstallResult;
import io.pveq.core.Operation;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.OperationSucceeded;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.event.Stage;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.internal.pve.SshKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstallPipelineTest {

    @Test
    void installRunsEveryStageInOrderAndEndsWithVmidIpAndUser() {
        try (Harness h = new Harness("pve1")) {
            Operation<InstallResult> op = h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE);
            InstallResult result = op.await();
            assertEquals(VmId.of(100), result.vmId());
            assertEquals("192.168.0.100/24", result.ip().toString());
            assertEquals("debian", result.user());
            assertEquals(OperationKind.INSTALL.stages(), Harness.stagesStarted(op.events()));
            ProgressEvent last = op.events().get(op.events().size() - 1);
            assertInstanceOf(OperationSucceeded.class, last);
            assertTrue(last.toJson().contains("\"vm_id\":100"), last.toJson());
            assertTrue(last.toJson().contains("\"ip\":\"192.168.0.100\""), last.toJson());
            assertEquals(List.of(), h.pve.violations);
        }
    }

    @Test
    void cloudInitGetsUserKeysStaticAddressSerialConsoleAndTheGrownDisk() {
        try (Harness h = new Harness("pve1")) {
            h.provisioner.install(Harness.spec().user("alice").disk(DiskSize.parse("disk", "20G")).build(), ProgressListener.NONE);
            FakePve.Vm vm = h.pve.vm(100);
            assertEquals("alice", vm.config.get("ciuser"));
            assertEquals("**********", vm.config.get("cipassword"));
            assertEquals("ip=192.168.0.100/24,gw=192.168.0.1", vm.config.get("ipconfig0"));
            assertEquals("socket", vm.config.get("serial0"));
            assertEquals("order=scsi0", vm.config.get("boot"));
            assertEquals("local-lvm:vm-100-disk-0,discard=on,iothread=1,size=20G", vm.config.get("scsi0"));
            assertFalse(vm.config.containsKey("unused0"), "the imported disk is attached, not left unused");
            String keys = SshKeys.decode(vm.config.get("sshkeys"));
            assertTrue(keys.contains(FakeGuests.KEY) && keys.contains("me@laptop"), keys);
            assertTrue(vm.config.get("tags").contains("pveq-os-debian-12"), vm.config.get("tags"));
            assertEquals("running", vm.status);
        }
    }

    @Test
    void nameserversSearchDomainBridgeAndBalloonComeFromTheSettings() {
        try (Harness h = new Harness(b -> b.nameservers(java.util.List.of(Ipv4Address.of("1.1.1.1"), Ipv4Address.of("9.9.9.9"))).searchDomain("lab.example").bridge("vmbr1")
                .limits(new VmLimits(java.util.OptionalInt.empty(), java.util.OptionalInt.empty(), java.util.OptionalInt.empty(), java.util.OptionalInt.of(1024))), io.pveq.core.AddressProbe.NEVER_IN_USE, "pve1")) {
            h.provisioner.install(Harness.spec().ramMb(4096).build(), ProgressListener.NONE);
            FakePve.Vm vm = h.pve.vm(100);
            assertEquals("1.1.1.1 9.9.9.9", vm.config.get("nameserver"));
            assertEquals("lab.example", vm.config.get("searchdomain"));
            assertTrue(vm.config.get("net0").contains("bridge=vmbr1"), vm.config.get("net0"));
            assertEquals("1024", vm.config.get("balloon"));
            assertEquals("4096", vm.config.get("memory"));
            assertEquals("x86-64-v3", vm.config.get("cpu"));
        }
    }

    @Test
    void keysFileIsWrittenPrivateAndRemovedAfterTheCreate() {
        try (Harness h = new Harness("pve1")) {
            h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            String create = h.pve.commandsWith("qm create").get(0);
            String path = create.replaceAll(".*--sshkeys (\\S+).*", "$1");
            assertTrue(path.startsWith("/"), create);
            assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(path)), "keys file removed: " + path);
            assertFalse(create.contains("user-pass-1"), "the password never shows: " + create);
        }
    }

    @Test
    void initScriptRunsAsRootWithThePasswordOnStdinThenTheVmReboots() {
        try (Harness h = new Harness("pve1")) {
            h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            GuestScript script = h.guests.scripts.get(0);
            assertEquals("debian_12.sh", script.name());
            assertEquals(List.of("--root-password-stdin"), script.arguments());
            assertEquals("root-secret-1\n", new String(script.secretStdin().orElseThrow(), StandardCharsets.UTF_8));
            assertEquals(1, h.guests.reboots.size());
            assertEquals(2, h.guests.ready.size(), "SSH ready before the script and after the reboot");
        }
    }

    @Test
    void claimsNextVmidWhenCreateSaysAlreadyExists() {
        try (Harness h = new Harness("pve1")) {
            h.pve.fail(List.of("qm", "create", "100"), 255,
                    "unable to create VM 100 - VM 100 already exists on node 'pve9'\n", 1);
            InstallResult r = h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            assertEquals(VmId.of(101), r.vmId());
            assertEquals("192.168.0.101/24", r.ip().toString());
        }
    }

    @Test
    void skipsContainerIdsAndAddressesConfiguredOnOtherVms() {
        try (Harness h = new Harness("pve1")) {
            h.pve.container(100, "pve1").existingVm(150, "pve1", "ip=192.168.0.101/24,gw=192.168.0.1");
            InstallResult r = h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            assertEquals(VmId.of(102), r.vmId());
        }
    }

    @Test
    void lockTimeoutsAreRetriedWithBackoff() {
        try (Harness h = new Harness("pve1")) {
            h.pve.fail(List.of("qm", "set"), 255, "trying to acquire lock...\n"
                    + "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n", 2);
            h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            assertEquals(2, h.sleeps.size());
            assertTrue(h.sleeps.get(1).compareTo(h.sleeps.get(0)) > 0, "backoff grows: " + h.sleeps);
        }
    }

    @Test
    void anOfflineTargetNodeFailsBeforeAnythingIsCreated() {
        try (Harness h = new Harness("pve1", "pve2")) {
            h.pve.offline.add("pve2");
            InstallFailedException e = assertThrows(InstallFailedException.class,
                    () -> h.provisioner.install(Harness.spec().node(NodeName.of("pve2")).build(), ProgressListener.NONE));
            assertEquals(Stage.SETTING_DEFAULTS, e.stage());
            assertTrue(e.getMessage().contains("target node pve2 is not online"), e.getMessage());
            assertEquals(List.of(), h.pve.commandsWith("qm create"));
        }
    }

    @Test
    void targetNodeGetsTheImageAndTheCreateDirectlyWithoutMigration() {
        try (Harness h = new Harness("pve1", "pve2")) {
            InstallResult r = h.provisioner.install(Harness.spec().node(NodeName.of("pve2")).build(), ProgressListener.NONE);
            assertEquals("pve2", r.node().value());
            assertEquals(1, h.pve.uploads.stream().filter(u -> u.startsWith("pve2:/var/lib/pveq/images/pveq-debian-12-"))
                    .count(), "the image is uploaded to the target node: " + h.pve.uploads);
            assertEquals(1, h.pve.commandsWith("pve2: qm create").size());
            assertEquals(List.of(), h.pve.commandsWith("qm migrate"));
            assertTrue(h.pve.uploads.stream().anyMatch(u -> u.startsWith("pve2:/tmp/pveq-keys-")), h.pve.uploads.toString());
            assertEquals(1, h.pve.commandsWith("pve2: rm -f --").size(), "remote keys file removed");
        }
    }

    static Stream<Arguments> failurePoints() {
        return Stream.of(
                Arguments.of("storage missing", Stage.CHECKING_STORAGE, (Consumer<Harness>) h -> h.pve.storageJson = "[]",
                        "storage 'local-lvm' does not exist", false),
                Arguments.of("image URL fails", Stage.VALIDATING_IMAGE_URL,
                        (Consumer<Harness>) h -> h.images.urlFails = true, "answered 404", false),
                Arguments.of("image download fails", Stage.DOWNLOADING_IMAGE,
                        (Consumer<Harness>) h -> h.images.downloadFails = true, "checksum mismatch", false),
                Arguments.of("create fails", Stage.CREATING_VM, (Consumer<Harness>) h -> h.pve.fail(
                        List.of("qm", "create"), 255, "unable to create VM 100 - out of disk\n", -1), "out of disk", false),
                Arguments.of("import fails", Stage.IMPORTING_DISK, (Consumer<Harness>) h -> h.pve.fail(
                        List.of("qm", "disk", "import"), 255, "qemu-img: Could not open image\n", -1), "Could not open", true),
                Arguments.of("resize fails silently", Stage.INITIALIZING_CONFIG,
                        (Consumer<Harness>) h -> h.pve.resizeSilentlyFails = true, "size too large", true),
                Arguments.of("start fails", Stage.WAITING_FOR_READY, (Consumer<Harness>) h -> h.pve.fail(
                        List.of("qm", "start"), 255, "start failed: QEMU exited with code 1\n", -1), "QEMU exited", true),
                Arguments.of("readiness timeout", Stage.WAITING_FOR_READY,
                        (Consumer<Harness>) h -> h.guests.unreachable = true, "did not answer SSH", true),
                Arguments.of("init script fails", Stage.SSH_INITIALIZATION,
                        (Consumer<Harness>) h -> h.guests.scriptExit = 3, "exited with code 3", true),
                Arguments.of("reboot fails", Stage.REBOOTING_NEW_VM,
                        (Consumer<Harness>) h -> h.guests.rebootFails = true, "connection to", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failurePoints")
    void everyFailurePointEndsWithTheVmGoneAndTheCauseNamed(String name, Stage stage, Consumer<Harness> fault,
                                                             String cause, boolean vmWasCreated) {
        try (Harness h = new Harness("pve1")) {
            fault.accept(h);
            Operation<InstallResult> op = h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE);
            InstallFailedException e = assertThrows(InstallFailedException.class, op::await);
            assertEquals(stage, e.stage());
            assertTrue(e.getMessage().contains(cause), e.getMessage());
            assertTrue(e.rollbackComplete(), e.getMessage());
            assertEquals(List.of(), h.pve.vms.keySet().stream().toList(), "no VM left behind");
            OperationFailed last = (OperationFailed) op.events().get(op.events().size() - 1);
            assertTrue(last.message().contains(cause), last.message());
            assertEquals(vmWasCreated, last.message().contains("destroyed VM 100"), last.message());
            assertEquals(OperationState.FAILED, op.state());
            assertEquals(List.of(), h.pve.violations);
            assertEquals(stage.ordinal() <= Stage.DOWNLOADING_IMAGE.ordinal() ? 0 : 1,
                    h.images.acquired.get());
            assertEquals(0, h.images.held.get(), "the image is released whatever failed");
        }
    }

    @Test
    void theImageIsHeldFromItsDownloadUntilTheNodeImportedIt() {
        try (Harness h = new Harness("pve1")) {
            java.util.concurrent.atomic.AtomicInteger importsAtRelease = new java.util.concurrent.atomic.AtomicInteger(-1);
            h.images.onRelease = () -> importsAtRelease.set(h.pve.commandsWith("qm disk import").size());
            h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            assertEquals(1, h.images.acquired.get());
            assertEquals(0, h.images.held.get());
            assertEquals(1, importsAtRelease.get(), "released only after the import ran");
        }
    }

    @Test
    void aChattyInitScriptKeepsItsFirstAndLastLinesInTheEventLog() {
        try (Harness h = new Harness("pve1")) {
            h.guests.scriptLines = 1000;
            Operation<InstallResult> op = h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE);
            op.await();
            int kept = OperationRun.DETAILS_KEPT_AT_EACH_END;
            List<String> lines = op.events().stream().filter(e -> e instanceof io.pveq.core.event.StageDetail d
                    && d.stage() == Stage.SSH_INITIALIZATION).map(ProgressEvent::message).toList();
            assertEquals(2 * kept + 1, lines.size(), lines.toString());
            assertTrue(lines.contains("line 1"), lines.toString());
            java.util.regex.Matcher omitted = java.util.regex.Pattern.compile("\\.\\.\\. (\\d+) lines omitted \\.\\.\\.")
                    .matcher(lines.get(kept));
            assertTrue(omitted.matches(), lines.get(kept));
            assertTrue(Integer.parseInt(omitted.group(1)) >= 1000 - 2 * kept, lines.get(kept));
            assertEquals("line " + (1000 - kept + 1), lines.get(kept + 1));
            assertEquals("line 1000", lines.get(lines.size() - 1));
        }
    }

    @Test
    void rollbackForgetsTheDestroyedGuestsHostKey() {
        try (Harness h = new Harness("pve1")) {
            h.guests.rebootFails = true;
            assertThrows(InstallFailedException.class, () -> h.provisioner.install(Harness.spec().build(),
                    ProgressListener.NONE));
            assertTrue(h.pve.vms.isEmpty(), "VM destroyed");
            assertTrue(h.guests.forgotten.stream().anyMatch(e -> e.vmId().value() == 100
                    && e.host().equals("192.168.0.100")), h.guests.forgotten.toString());
        }
    }

    @Test
    void aCancelThatInterruptsTheCreateStillDestroysTheVmTheCreateLeftBehind() throws Exception {
        try (Harness h = new Harness("pve1")) {
            java.util.concurrent.CompletableFuture<Operation<InstallResult>> op = new java.util.concurrent.CompletableFuture<>();
            h.pve.afterCreate = id -> op.join().cancel(); // on the worker, while qm create runs
            op.complete(h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE));
            assertThrows(OperationCancelledException.class, op.get()::await);
            assertEquals(OperationState.CANCELLED, op.get().state());
            assertEquals(List.of(), h.pve.vms.keySet().stream().toList(), "the VM the create made is destroyed");
            OperationFailed last = (OperationFailed) op.get().events().get(op.get().events().size() - 1);
            assertTrue(last.rolledBack().contains("stopped and destroyed VM 100 on pve1"), last.rolledBack().toString());
        }
    }

    @Test
    void aFailedCreateNeverDestroysAVmThatIsNotOurs() {
        try (Harness h = new Harness("pve1")) {
            // the create fails in an unknown way (its connection is cut) and VM 100 turns out not to be ours
            h.pve.afterCreate = id -> {
                h.pve.vms.get(id).config.put("name", "someone-else");
                h.pve.vms.get(id).config.remove("tags");
                Thread.currentThread().interrupt();
            };
            assertThrows(InstallFailedException.class, () -> h.provisioner.install(Harness.spec().build(),
                    ProgressListener.NONE));
            assertTrue(h.pve.vms.containsKey(100), "someone else's VM 100 is kept");
        }
    }

    @Test
    void cancellingWhileWaitingForSshDestroysTheVm() throws Exception {
        try (Harness h = new Harness("pve1")) {
            h.guests.gate = new CountDownLatch(1);
            Operation<InstallResult> op = h.provisioner.submitInstall(Harness.spec().build(), ProgressListener.NONE);
            h.guests.waiting.await();
            assertTrue(op.cancel());
            assertThrows(OperationCancelledException.class, op::await);
            assertEquals(OperationState.CANCELLED, op.state());
            assertTrue(h.pve.vms.isEmpty(), "VM destroyed");
            OperationFailed last = (OperationFailed) op.events().get(op.events().size() - 1);
            assertTrue(last.cancelled());
            assertTrue(last.rolledBack().contains("stopped and destroyed VM 100 on pve1"), last.rolledBack().toString());
        }
    }

    @Test
    void concurrentInstallsGetDistinctVmidsAndAddresses() {
        try (Harness h = new Harness("pve1", "pve2", "pve3")) {
            List<Operation<InstallResult>> ops = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ops.add(h.provisioner.submitInstall(Harness.spec().node(NodeName.of("pve" + (1 + i % 3))).build(),
                        ProgressListener.NONE));
            }
            List<InstallResult> results = ops.stream().map(Operation::await).toList();
            assertEquals(20, results.stream().map(InstallResult::vmId).distinct().count());
            assertEquals(20, results.stream().map(InstallResult::ip).distinct().count());
            assertEquals(20, h.pve.vms.size());
            assertEquals(List.of(), h.pve.violations);
        }
    }
}
