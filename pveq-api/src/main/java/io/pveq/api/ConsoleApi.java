package io.pveq.api;

import io.pveq.core.NodeName;
import java.net.URI;

/**
 * Consoles of guests and nodes, as seed 003 opens them: VNC and terminal proxy tickets, the websocket a
 * noVNC or xterm.js client connects to with a ticket, and the URL of Proxmox's own console page for a
 * browser that holds a Proxmox login. Privileges: {@code VM.Console} on the guest, {@code Sys.Console} on
 * the node. Thread-safe; the ticket methods block on the network, the URL methods do not.
 */
public interface ConsoleApi {

    /**
     * Starts a VNC proxy for websocket use ({@code POST .../vncproxy}, {@code websocket=1}; a VM's with a
     * generated VNC password).
     *
     * @param guest the VM or container
     * @return the ticket, valid for one connection within about 10 s
     */
    ConsoleTicket vnc(GuestRef guest);

    /**
     * Starts a terminal proxy ({@code POST .../termproxy}: a VM's serial console, a container's console).
     *
     * @param guest the VM or container
     * @return the ticket
     */
    ConsoleTicket terminal(GuestRef guest);

    /**
     * Starts a node shell's terminal proxy ({@code POST /nodes/{node}/termproxy}, a login shell).
     *
     * @param node the node
     * @return the ticket
     */
    ConsoleTicket terminal(NodeName node);

    /**
     * @param guest  the guest the ticket is for
     * @param ticket a ticket of {@link #vnc} or {@link #terminal(GuestRef)}
     * @return the {@code wss://} URL of its {@code vncwebsocket}, ticket and port filled in
     */
    URI websocket(GuestRef guest, ConsoleTicket ticket);

    /**
     * @param node   the node the ticket is for
     * @param ticket a ticket of {@link #terminal(NodeName)}
     * @return the {@code wss://} URL of its {@code vncwebsocket}
     */
    URI websocket(NodeName node, ConsoleTicket ticket);

    /**
     * The page Proxmox's web interface opens for a guest's console (seed 003's {@code GenerateVNCURL}):
     * noVNC for VMs, xterm.js for containers. The browser needs a Proxmox login (its cookie).
     *
     * @param guest the VM or container
     * @param name  its name, shown in the page's title
     * @return the URL on the API's host and port
     */
    URI browserUrl(GuestRef guest, String name);

    /**
     * The page Proxmox's web interface opens for a node's shell (xterm.js; seed 003's
     * {@code GenerateNodeVNCURL}).
     *
     * @param node the node
     * @return the URL on the API's host and port
     */
    URI browserUrl(NodeName node);
}
