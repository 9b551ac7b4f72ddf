package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.DiskSize;
import io.pveq.core.InstallFailedException;
import io.pveq.core.InstallResult;
import io.pveq.core.LockPolicy;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.VmLockedException;
import io.pveq.core.event.ProgressListener;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Proxmox config locks: refused at once, nothing that changes the VM sent, {@code force} only where documented. */
class LockRulesTest {

    private static final List<String> CHANGING = List.of("qm set", "qm stop", "qm destroy", "qm resize",
            "qm migrate", "qm start", "qm shutdown", "qm reboot");

    private static void refusedWithoutChange(Harness h, VmId id, String what, Consumer<VmId> call) {
        int before = h.pve.commands.size();
        VmLockedException e = assertThrows(VmLockedException.class, () -> call.accept(id), what);
        assertEquals("backup", e.lock(), what);
        assertTrue(e.getMessage().contains("VM " + id + " is locked (backup)"), e.getMessage());
        List<String> sent = h.pve.commands.subList(before, h.pve.commands.size());
        assertTrue(sent.stream().noneMatch(c -> CHANGING.stream().anyMatch(c::contains)), what + " sent " + sent);
        assertTrue(h.sleeps.isEmpty(), what + " was retried: " + h.sleeps);
    }

    @Test
    void everyOperationRefusesABackupLockedVmBeforeSendingAChange() {
        try (Harness h = new Harness("pve1", "pve2")) {
            InstallResult r = h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            h.sleeps.clear();
            h.pve.vm(100).config.put("lock", "backup");
            refusedWithoutChange(h, r.vmId(), "destroy", h.provisioner::destroy);
            refusedWithoutChange(h, r.vmId(), "stop", h.provisioner::stop);
            refusedWithoutChange(h, r.vmId(), "set cpu", id -> h.provisioner.setCpu(id, 4));
            refusedWithoutChange(h, r.vmId(), "set memory", id -> h.provisioner.setMemory(id, 4096));
            refusedWithoutChange(h, r.vmId(), "set disk", id -> h.provisioner.growDisk(id, DiskSize.ofGiB(1)));
            refusedWithoutChange(h, r.vmId(), "migrate", id -> h.provisioner.submitMigrate(id, NodeName.of("pve2"),
                    ProgressListener.NONE));
            refusedWithoutChange(h, r.vmId(), "reboot", id -> h.provisioner.submitReboot(id, ProgressListener.NONE));
            refusedWithoutChange(h, r.vmId(), "shutdown", id -> h.provisioner.submitShutdown(id, Duration.ofSeconds(5),
                    false, ProgressListener.NONE));
            assertEquals(List.of(), h.pve.commandsWith("--skiplock"));
            assertEquals("backup", h.pve.vm(100).config.get("lock"));
        }
    }

    @Test
    void forceOverridesTheLockWithSkiplockOnTheDocumentedCallsOnly() {
        try (Harness h = new Harness("pve1")) {
            InstallResult r = h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            h.pve.vm(100).config.put("lock", "backup");
            h.provisioner.setCpu(r.vmId(), 4, LockPolicy.OVERRIDE);
            h.provisioner.setMemory(r.vmId(), 4096, LockPolicy.OVERRIDE);
            h.provisioner.growDisk(r.vmId(), DiskSize.ofGiB(1), LockPolicy.OVERRIDE);
            h.provisioner.stop(r.vmId(), LockPolicy.OVERRIDE);
            h.provisioner.destroy(r.vmId(), LockPolicy.OVERRIDE);
            assertEquals(List.of("pve1: qm set 100 --cores 4 --skiplock 1",
                    "pve1: qm set 100 --memory 4096 --skiplock 1",
                    "pve1: qm resize 100 scsi0 +1G --skiplock 1",
                    "pve1: qm stop 100 --skiplock 1",
                    "pve1: qm destroy 100 --purge 1 --destroy-unreferenced-disks 1 --skiplock 1"),
                    h.pve.commandsWith("--skiplock"));
            assertTrue(h.pve.vms.isEmpty());
        }
    }

    @Test
    void aLockThatAppearsAfterTheCheckIsRefusedByProxmoxAndNotRetried() {
        try (Harness h = new Harness("pve1")) {
            InstallResult r = h.provisioner.install(Harness.spec().build(), ProgressListener.NONE);
            h.sleeps.clear();
            h.pve.fail(List.of("qm", "set"), 255, "VM is locked (backup)\n", -1);
            VmLockedException e = assertThrows(VmLockedException.class, () -> h.provisioner.setCpu(r.vmId(), 4));
            assertEquals("backup", e.lock());
            assertEquals(1, h.pve.commandsWith("qm set 100 --cores 4").size(), "sent once, not six times");
            assertTrue(h.sleeps.isEmpty(), h.sleeps.toString());
        }
    }

    @Test
    void theRollbackSkipsOnlyTheCreateLockOfItsOwnCutShortCreate() {
        try (Harness h = new Harness("pve1")) {
            // the create leaves the VM behind with its create lock and no name, then fails (a cut-short create)
            h.pve.afterCreate = id -> {
                h.pve.vm(id).config.remove("name");
                h.pve.vm(id).config.put("lock", "create");
            };
            h.pve.fail(List.of("qm", "set"), 255, "something broke\n", 1);
            assertThrows(InstallFailedException.class, () -> h.provisioner.install(Harness.spec().build(),
                    ProgressListener.NONE));
            assertTrue(h.pve.vms.isEmpty(), h.pve.commands.toString());
            assertEquals(List.of("pve1: qm destroy 100 --purge 1 --destroy-unreferenced-disks 1 --skiplock 1"),
                    h.pve.commandsWith("--skiplock"));
        }
    }
}
