package io.pveq.api;

import io.pveq.core.NodeName;
import java.time.Duration;
import java.util.List;

/**
 * Commands run through Proxmox's terminal proxy (seed 004's {@code LXCCommand}, {@code NodeJournalctl},
 * {@code NodeTail}): a {@code termproxy} ticket, then the proxy's {@code vncwebsocket} over the client's
 * own HTTPS connection (the same OkHttp client, TLS trust and credentials as every other call), where
 * the first message {@code USER:TICKET\n} is answered {@code OK} and input goes as {@code 0:LEN:DATA}.
 *
 * <p>How a command's end is known: the terminal is sent one line, {@code echo PVEQ''BEGIN-<id>; <argv>;
 * echo PVEQ''END-<id> $?}, where {@code <id>} is random per run and every argument is single-quoted (the
 * one place arguments are quoted: nothing a caller passes reaches the shell unquoted). The shell prints
 * {@code PVEQBEGIN-<id>} and {@code PVEQEND-<id> <status>} while its echo of the typed line keeps the
 * quotes, so the echo never looks like a marker; the lines between the two markers are the output and
 * the number after the second is the exit status. Then {@code exit} ends the shell and the websocket
 * closes. Arguments must not contain control characters (a terminal would act on them: Ctrl-C, end of
 * line, ...); such an argument is refused before anything is sent.
 *
 * <p>Privileges: {@code VM.Console} on {@code /vms/{vmid}} for a container, {@code Sys.Console} on
 * {@code /nodes/{node}} for a node. A node's shell runs as the user that logs in (Proxmox opens a root
 * login shell for {@code root@pam}; other users get a login prompt and cannot run commands this way).
 * Thread-safe; every call opens its own terminal.
 */
public interface TerminalCommands {

    /**
     * Runs a command and waits for it. Blocks.
     *
     * @param target   the container or node
     * @param argv     the program and its arguments, each passed literally
     * @param timeout  how long to wait for its end
     * @param listener hears each output line as it arrives
     * @return the output and exit status
     * @throws IllegalArgumentException   an empty argv or an argument with a control character
     * @throws PermissionDeniedException  the user lacks the console privilege
     * @throws AuthenticationException    the proxy refused the ticket (wrong user, expired)
     * @throws TerminalTimeoutException   the command did not end in time (it is interrupted)
     */
    CommandOutput run(TerminalTarget target, List<String> argv, Duration timeout, OutputListener listener);

    /**
     * Runs a command through a terminal proxy already started ({@link ConsoleApi#terminal(GuestRef)} or
     * {@link ConsoleApi#terminal(NodeName)}). A proxy serves one connection and waits about 10 s for it
     * (its ticket itself expires after 40 s).
     *
     * @param target the container or node the ticket is for
     * @param ticket the proxy's ticket
     * @see #run(TerminalTarget, List, Duration, OutputListener)
     */
    CommandOutput run(TerminalTarget target, ConsoleTicket ticket, List<String> argv, Duration timeout,
                      OutputListener listener);

    /**
     * Streams the system journal ({@code journalctl --no-pager -n LINES -f [-u UNIT]...}) until closed.
     * Returns once the proxy accepted the ticket and the command was sent; blocks up to 30 s for that.
     *
     * @param target   the container or node
     * @param lines    how many past lines first, at least 0
     * @param units    systemd units to limit it to, none for all
     * @param listener hears each line
     * @return the running stream; close it to stop
     */
    TerminalStream journal(TerminalTarget target, int lines, List<String> units, OutputListener listener);

    /**
     * Streams a file's end and what is appended to it ({@code tail -n LINES -F FILE}) until closed.
     *
     * @param target   the container or node
     * @param file     the absolute path of the file
     * @param lines    how many past lines first, at least 0
     * @param listener hears each line
     * @return the running stream; close it to stop
     */
    TerminalStream tail(TerminalTarget target, String file, int lines, OutputListener listener);
}
