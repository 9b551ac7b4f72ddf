package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.CommandFailedException;
import io.pveq.core.LockTimeoutException;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.PveqException;
import io.pveq.core.StorageException;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.VmLockedException;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmStateException;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PveErrorsTest {

    private static final NodeName NODE = NodeName.of("pve1");
    private static final VmId ID = VmId.of(100);
    private static final CommandRequest REQUEST = QmCommands.start(ID, Optional.empty());

    private static PveqException classify(int exit, String stderr) {
        return classify(REQUEST, exit, stderr);
    }

    private static PveqException classify(CommandRequest request, int exit, String stderr) {
        CommandResult result = new CommandResult(request.displayArgv(), exit, "", stderr, Duration.ZERO);
        assertTrue(PveErrors.failed(result, false));
        return PveErrors.classify(NODE, request, result, Optional.of(ID));
    }

    @Test
    void takenVmidNamesTheNodeThatHasIt() {
        VmExistsException e = assertInstanceOf(VmExistsException.class,
                classify(255, "unable to create VM 101 - VM 101 already exists on node 'pve2'\n"));
        assertEquals(VmId.of(101), e.vmId());
        assertEquals("pve2", e.node());
        VmExistsException ct = assertInstanceOf(VmExistsException.class,
                classify(255, "unable to create VM 102 - CT 102 already exists on node 'pve3'\n"));
        assertEquals(VmId.of(102), ct.vmId());
    }

    @Test
    void missingConfigFileIsVmNotFound() {
        VmNotFoundException e = assertInstanceOf(VmNotFoundException.class,
                classify(2, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n"));
        assertEquals(VmId.of(999), e.vmId());
    }

    @Test
    void lockedVmAndLockTimeout() {
        VmLockedException locked = assertInstanceOf(VmLockedException.class, classify(255, "VM is locked (backup)\n"));
        assertEquals("backup", locked.lock());
        assertEquals(ID, locked.vmId());
        LockTimeoutException timeout = assertInstanceOf(LockTimeoutException.class, classify(255,
                "trying to acquire lock...\ncan't lock file '/var/lock/qemu-server/lock-104.conf' - got timeout\n"));
        assertEquals(VmId.of(104), timeout.vmId());
    }

    @Test
    void storageProblems() {
        StorageException missing = assertInstanceOf(StorageException.class,
                classify(255, "storage 'foo' does not exist\n"));
        assertEquals("foo", missing.storage());
        assertInstanceOf(StorageException.class, classify(255, "storage 'bar' is disabled\n"));
    }

    @Test
    void clusterAndNodeProblems() {
        assertInstanceOf(ClusterUnavailableException.class, classify(255, "cluster not ready - no quorum?\n"));
        NodeUnavailableException node = assertInstanceOf(NodeUnavailableException.class,
                classify(255, "no such cluster node 'pve9'\n"));
        assertEquals("pve9", node.node());
    }

    @Test
    void vmStateProblems() {
        for (String text : new String[] {"VM 100 already running", "VM 100 not running",
                "VM 100 is running - destroy failed", "can't migrate running VM without --online",
                "VM quit/powerdown failed - got timeout"}) {
            PveqException e = classify(255, text + "\n");
            assertInstanceOf(VmStateException.class, e, text);
            assertFalse(e instanceof VmLockedException, text);
            assertTrue(e.getMessage().contains(text), e.getMessage());
        }
    }

    @Test
    void anythingElseIsCommandFailedWithCommandExitAndTail() {
        CommandFailedException e = assertInstanceOf(CommandFailedException.class,
                classify(255, "start failed: QEMU exited with code 1\n"));
        assertEquals(255, e.exitCode());
        assertEquals("pve1", e.node());
        assertEquals("qm start 100", e.commandLine());
        assertEquals("start failed: QEMU exited with code 1", e.stderrTail());
        CommandFailedException param = assertInstanceOf(CommandFailedException.class, classify(255,
                "400 Parameter verification failed.\ncorse: property is not defined in schema\n"));
        assertTrue(param.stderrTail().contains("corse"));
    }

    @Test
    void secretsNeverReachTheMessage() {
        CommandRequest set = QmCommands.set(ID, ConfigUpdate.builder().ciPassword("hunter2 x").build());
        CommandFailedException e = assertInstanceOf(CommandFailedException.class,
                classify(set, 255, "update VM 100: -cipassword hunter2 x\nsomething broke near 'hunter2 x'\n"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(e.stderrTail().contains("hunter2"), e.stderrTail());
        assertTrue(e.commandLine().contains("<hidden>"));
    }

    @Test
    void longStderrIsCutToItsTail() {
        String noise = "x".repeat(5000) + "\nthe real error";
        CommandFailedException e = assertInstanceOf(CommandFailedException.class, classify(1, noise));
        assertTrue(e.stderrTail().endsWith("the real error"));
        assertTrue(e.stderrTail().length() <= PveErrors.TAIL_CHARS + 3);
    }

    @Test
    void warningsWithExitZeroAreSuccessButResizeErrorsWithExitZeroAreNot() {
        String warnings = "Use of uninitialized value in split at /usr/share/perl5/PVE/QemuServer/Cloudinit.pm line 115.\n"
                + "WARN: Interface 'tap9100i0' not attached to any bridge.\nTask finished with 1 warning(s)!\n"
                + "trying to acquire lock...\n OK\n";
        CommandResult ok = new CommandResult(REQUEST.displayArgv(), 0, "", warnings, Duration.ZERO);
        assertFalse(PveErrors.failed(ok, false));
        assertFalse(PveErrors.failed(ok, true));
        CommandResult resizeError = new CommandResult(REQUEST.displayArgv(), 0, "",
                "VM 100 qmp command 'block_resize' failed - Cannot grow device files\n", Duration.ZERO);
        assertFalse(PveErrors.failed(resizeError, false));
        assertTrue(PveErrors.failed(resizeError, true));
        assertInstanceOf(CommandFailedException.class,
                PveErrors.classify(NODE, REQUEST, resizeError, Optional.of(ID)));
    }
}
