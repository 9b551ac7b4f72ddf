package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.VmId;
import io.pveq.sim.SimulatedCluster;
import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Console tickets and URLs as seed 003 makes them (GetVNCProxyWithWebSocket, GenerateVNCURL,
 * GenerateNodeVNCURL), over real HTTPS against the simulator's API face of one release, every exchange
 * checked against apidata.js. The websocket itself is not simulated.
 */
abstract class ConsolesContract extends GuestFeaturesFixture {

    static final VmId CT = VmId.of(400);

    VmId vm;

    @Override
    UnaryOperator<SimulatedCluster.Builder> cluster() {
        return b -> b.container(CT, PVE1, "ct-shell");
    }

    @BeforeAll
    void start() {
        vm = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(vm).name("console-" + vm).memoryMiB(512)
                .start(true).build()), Duration.ofMinutes(30), TaskListener.NONE);
    }

    @Test
    void aVmsVncTicketHasAPasswordAndAWebsocketUrl() {
        GuestRef guest = GuestRef.vm(PVE1, vm);
        ConsoleTicket vnc = api.consoles().vnc(guest);
        assertTrue(vnc.ticket().reveal().startsWith("PVEVNC:"), "a VNC ticket");
        assertTrue(vnc.port() >= 5900 && vnc.port() < 6000, Integer.toString(vnc.port()));
        assertTrue(vnc.password().isPresent(), "generate-password");
        assertEquals("vncproxy", vnc.upid().type());
        URI ws = api.consoles().websocket(guest, vnc);
        URI base = peer.cluster.api().url();
        assertEquals("wss", ws.getScheme());
        assertEquals(base.getPort(), ws.getPort());
        assertEquals("/api2/json/nodes/pve1/qemu/" + vm + "/vncwebsocket", ws.getPath());
        assertTrue(ws.getRawQuery().startsWith("port=" + vnc.port() + "&vncticket=PVEVNC%3A"), ws.getRawQuery());
        assertEquals("?console=kvm&novnc=1&vmid=" + vm + "&vmname=console-" + vm + "&node=pve1&resize=off&cmd=",
                "?" + api.consoles().browserUrl(guest, "console-" + vm).getRawQuery());
    }

    @Test
    void containersAndNodesHaveTerminals() {
        GuestRef ct = GuestRef.container(PVE1, CT);
        ConsoleTicket term = api.consoles().terminal(ct);
        assertTrue(term.password().isEmpty());
        assertTrue(api.consoles().websocket(ct, term).getPath().endsWith("/nodes/pve1/lxc/400/vncwebsocket"));
        assertTrue(api.consoles().vnc(ct).ticket().reveal().startsWith("PVEVNC:"));
        assertTrue(api.consoles().browserUrl(ct, "ct-shell").getRawQuery().startsWith("console=lxc&xtermjs=1&vmid=400"));

        ConsoleTicket shell = api.consoles().terminal(PVE1);
        assertEquals("vncshell", shell.upid().type());
        assertTrue(api.consoles().websocket(PVE1, shell).getPath().endsWith("/api2/json/nodes/pve1/vncwebsocket"));
        assertEquals("console=shell&xtermjs=1&vmid=0&vmname=&node=pve1&cmd=",
                api.consoles().browserUrl(PVE1).getRawQuery());
    }

    @Test
    void aUserWithoutConsolePrivilegesIsRefused() {
        try (ProxmoxApi alice = peer.alice(new RequestLog())) {
            PermissionDeniedException vnc = assertThrows(PermissionDeniedException.class,
                    () -> alice.consoles().vnc(GuestRef.vm(PVE1, vm)));
            assertEquals(java.util.Optional.of("VM.Console"), vnc.privilege());
            PermissionDeniedException shell = assertThrows(PermissionDeniedException.class,
                    () -> alice.consoles().terminal(PVE1));
            assertEquals(java.util.Optional.of("Sys.Console"), shell.privilege());
        }
    }
}
