package io.pveq.api;

import io.pveq.core.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * A console proxy Proxmox started ({@code vncproxy}, {@code termproxy}, {@code vncshell}): it listens for
 * one websocket connection ({@code .../vncwebsocket?port=&vncticket=}) for about 10 seconds.
 *
 * @param port     the proxy's port on the node, passed to {@code vncwebsocket}
 * @param ticket   the {@code PVEVNC:} ticket: the {@code vncticket} of the websocket, and the password of
 *                 a terminal session's first line ({@code user:ticket})
 * @param user     the user or token the proxy runs for
 * @param upid     the proxy's task
 * @param password the VNC password, when one was generated
 */
public record ConsoleTicket(int port, Secret ticket, String user, Upid upid, Optional<Secret> password) {

    /** Validates. */
    public ConsoleTicket {
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(upid, "upid");
        Objects.requireNonNull(password, "password");
    }
}
