package io.pveq.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.api.ApiParameterException;
import io.pveq.api.AuthenticationException;
import io.pveq.api.PermissionDeniedException;
import io.pveq.api.ProxmoxApiException;
import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.LockTimeoutException;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.PveqException;
import io.pveq.core.StorageException;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.VmLockedException;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmStateException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Proxmox's error answers (API.md, FACTS.md) become the exceptions that tell the caller what to do. */
class ErrorMapperTest {

    private static final ErrorMapper.CallContext VM_101 = new ErrorMapper.CallContext(Optional.of("pve1"),
            Optional.of(VmId.of(101)));

    private static PveqException map(int status, String reason) {
        return ErrorMapper.map("POST", "/nodes/pve1/qemu/101/status/start", status, reason, Map.of(), "pveq@pve!ci",
                VM_101);
    }

    @Test
    void parameterErrorsNameEachParameter() {
        ApiParameterException e = assertInstanceOf(ApiParameterException.class, ErrorMapper.map("POST",
                "/nodes/pve1/qemu", 400, "Parameter verification failed.",
                Map.of("memory", "value must have a minimum value of 16", "net0", "invalid format"), "x", VM_101));
        assertEquals("memory, net0", e.field());
        assertEquals(Map.of("memory", "value must have a minimum value of 16", "net0", "invalid format"), e.errors());
        assertTrue(e.getMessage().contains("memory: value must have a minimum value of 16"), e.getMessage());
    }

    @Test
    void aMissingPrivilegeNamesPathAndPrivilege() {
        PermissionDeniedException e = assertInstanceOf(PermissionDeniedException.class,
                map(403, "Permission check failed (/vms/101, VM.PowerMgmt)"));
        assertEquals(Optional.of("/vms/101"), e.aclPath());
        assertEquals(Optional.of("VM.PowerMgmt"), e.privilege());
        assertTrue(e.getMessage().contains("VM.PowerMgmt on /vms/101"), e.getMessage());
        PermissionDeniedException root = assertInstanceOf(PermissionDeniedException.class,
                map(403, "Only root can pass arbitrary filesystem paths."));
        assertTrue(root.privilege().isEmpty());
        assertTrue(root.getMessage().contains("Only root"), root.getMessage());
    }

    @Test
    void refusedCredentialsNameTheUserNotTheSecret() {
        AuthenticationException e = assertInstanceOf(AuthenticationException.class,
                map(401, "authentication failure"));
        assertTrue(e.getMessage().contains("pveq@pve!ci"), e.getMessage());
    }

    @Test
    void proxmoxTextsMapOntoPveqExceptions() {
        assertEquals("pve2", assertInstanceOf(VmExistsException.class,
                map(500, "unable to create VM 101 - VM 101 already exists on node 'pve2'")).node());
        assertEquals(VmId.of(101), assertInstanceOf(LockTimeoutException.class,
                map(500, "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout")).vmId());
        assertEquals("backup", assertInstanceOf(VmLockedException.class, map(500, "VM is locked (backup)")).lock());
        assertInstanceOf(VmNotFoundException.class,
                map(500, "Configuration file 'nodes/pve1/qemu-server/101.conf' does not exist"));
        assertEquals("foo", assertInstanceOf(StorageException.class, map(500, "storage 'foo' does not exist")).storage());
        assertInstanceOf(ClusterUnavailableException.class, map(500, "cluster not ready - no quorum?"));
        assertInstanceOf(VmStateException.class, map(500, "VM 101 already running"));
        assertEquals("pve9", assertInstanceOf(NodeUnavailableException.class, map(500, "no such cluster node 'pve9'"))
                .node());
        assertEquals("pve1", assertInstanceOf(NodeUnavailableException.class, map(595, "Connection refused")).node());
    }

    @Test
    void aSilentGuestAgentIsUnavailableNotAFailure() {
        assertInstanceOf(io.pveq.api.GuestAgentUnavailableException.class, ErrorMapper.map("GET",
                "/nodes/pve1/qemu/101/agent/network-get-interfaces", 500, "QEMU guest agent is not running", Map.of(),
                "x", VM_101));
    }

    @Test
    void aStaleDigestSaysTheConfigChanged() {
        assertInstanceOf(io.pveq.api.ConfigChangedException.class,
                map(500, "detected modified configuration - file changed by other user? Try again."));
    }

    @Test
    void anythingElseKeepsStatusAndReason() {
        ProxmoxApiException e = assertInstanceOf(ProxmoxApiException.class, map(500, "something odd"));
        assertEquals(500, e.status());
        assertEquals("something odd", e.reason());
        assertEquals("POST", e.method());
        assertEquals("/nodes/pve1/qemu/101/status/start", e.path());
    }
}
