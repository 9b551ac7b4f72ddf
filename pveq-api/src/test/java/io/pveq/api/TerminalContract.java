package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.Secret;
import io.pveq.core.VmId;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Commands through the terminal proxy (seed 004's LXCCommand, NodeJournalctl, NodeTail) over real
 * HTTPS and WSS against the simulator's termproxy of one release: output and exit status, streams
 * cancelled, refused tickets and privileges, arguments arriving literally. Every HTTP exchange is checked
 * against apidata.js.
 */
abstract class TerminalContract extends GuestFeaturesFixture {

    static final VmId CT = VmId.of(410);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Override
    UnaryOperator<SimulatedCluster.Builder> cluster() {
        return b -> b.container(CT, PVE1, "ct-term");
    }

    TerminalTarget container() {
        return TerminalTarget.container(GuestRef.container(PVE1, CT));
    }

    @Test
    void aCommandsOutputAndExitStatusComeBack() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        CommandOutput hostname = api.consoles().commands().run(container(), List.of("hostname"), TIMEOUT, heard::add);
        assertEquals(List.of("ct-term"), hostname.lines());
        assertEquals(0, hostname.exitStatus());
        assertEquals(List.of("ct-term"), heard, "streamed line by line");
        assertEquals("ct-term\n", hostname.text());

        CommandOutput missing = api.consoles().commands().run(container(), List.of("cat", "/etc/nope"), TIMEOUT,
                OutputListener.NONE);
        assertEquals(1, missing.exitStatus());
        assertEquals(List.of("cat: /etc/nope: No such file or directory"), missing.lines());

        CommandOutput notFound = api.consoles().commands().run(container(), List.of("no-such-program"), TIMEOUT,
                OutputListener.NONE);
        assertEquals(127, notFound.exitStatus());
    }

    @Test
    void aNodesShellRunsTheJournal() {
        CommandOutput journal = api.consoles().commands().run(TerminalTarget.node(PVE1),
                List.of("journalctl", "--no-pager", "-n", "3"), TIMEOUT, OutputListener.NONE);
        assertEquals(0, journal.exitStatus());
        assertEquals(3, journal.lines().size(), journal.lines().toString());
        assertTrue(journal.lines().stream().allMatch(line -> line.contains(" pve1 ")), journal.lines().toString());
    }

    @Test
    void aValueWithShellMetacharactersArrivesLiterally() {
        String nasty = "it's $(rm -rf /) `id` \"q\" \\ $? ; | & > * ~ #x";
        CommandOutput echoed = api.consoles().commands().run(container(), List.of("echo", nasty, "two  spaces"), TIMEOUT,
                OutputListener.NONE);
        assertEquals(List.of(nasty + " two  spaces"), echoed.lines());
        assertEquals(0, echoed.exitStatus());
        IllegalArgumentException control = assertThrows(IllegalArgumentException.class,
                () -> api.consoles().commands().run(container(), List.of("echo", "a\u0003b"), TIMEOUT,
                        OutputListener.NONE));
        assertTrue(control.getMessage().startsWith("argv[1]: control character U+0003"), control.getMessage());
    }

    @Test
    void aTailStreamsUntilClosed() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch eight = new CountDownLatch(8);
        TerminalStream tail = api.consoles().commands().tail(container(), "/var/log/syslog", 5, line -> {
            lines.add(line);
            eight.countDown();
        });
        assertTrue(eight.await(20, TimeUnit.SECONDS), "5 past lines and 3 followed: " + lines);
        tail.close();
        tail.ended().get(20, TimeUnit.SECONDS);
        int seen = lines.size();
        Thread.sleep(600);
        assertEquals(seen, lines.size(), "no line after the stream ended");
        assertTrue(lines.get(0).contains(" ct-term "), lines.get(0));

        List<String> journal = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch two = new CountDownLatch(2);
        try (TerminalStream follow = api.consoles().commands().journal(TerminalTarget.node(PVE1), 1,
                List.of("pveproxy"), line -> {
                    journal.add(line);
                    two.countDown();
                })) {
            assertTrue(two.await(20, TimeUnit.SECONDS), journal.toString());
        }
    }

    @Test
    void aCommandThatDoesNotEndInTimeIsInterrupted() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        TerminalTimeoutException late = assertThrows(TerminalTimeoutException.class, () -> api.consoles().commands()
                .run(container(), List.of("tail", "-n", "1", "-f", "/var/log/syslog"), Duration.ofMillis(800), heard::add));
        assertEquals(container(), late.target());
        assertTrue(late.getMessage().contains("command tail on container 410 on pve1 did not end within 800 ms"),
                late.getMessage());
        assertTrue(!heard.isEmpty(), "its output was streamed while it ran");
    }

    @Test
    void aBadTicketIsRefused() {
        ConsoleTicket real = api.consoles().terminal(GuestRef.container(PVE1, CT));
        ConsoleTicket forged = new ConsoleTicket(real.port(), Secret.of("PVEVNC:00000000::Zm9yZ2Vk"), real.user(),
                real.upid(), Optional.empty());
        AuthenticationException wrong = assertThrows(AuthenticationException.class, () -> api.consoles().commands()
                .run(container(), forged, List.of("hostname"), TIMEOUT, OutputListener.NONE));
        assertTrue(wrong.getMessage().contains("invalid PVEVNC ticket"), wrong.getMessage());

        ConsoleTicket otherUser = new ConsoleTicket(real.port(), real.ticket(), "alice@pve", real.upid(),
                Optional.empty());
        AuthenticationException refused = assertThrows(AuthenticationException.class, () -> api.consoles().commands()
                .run(container(), otherUser, List.of("hostname"), TIMEOUT, OutputListener.NONE));
        assertTrue(refused.getMessage().contains("the terminal proxy refused the ticket"), refused.getMessage());

        AuthenticationException reused = assertThrows(AuthenticationException.class, () -> api.consoles().commands()
                .run(container(), real, List.of("hostname"), TIMEOUT, OutputListener.NONE));
        assertTrue(reused.getMessage().contains("invalid PVEVNC ticket"), "one connection per ticket: " + reused);

        ConsoleTicket old = api.consoles().terminal(PVE1);
        peer.clock.advance(Duration.ofSeconds(41));
        AuthenticationException expired = assertThrows(AuthenticationException.class, () -> api.consoles().commands()
                .run(TerminalTarget.node(PVE1), old, List.of("hostname"), TIMEOUT, OutputListener.NONE));
        assertTrue(expired.getMessage().contains("invalid PVEVNC ticket"), expired.getMessage());
    }

    @Test
    void aMissingPrivilegeIsRefused() {
        ConsoleTicket roots = api.consoles().terminal(GuestRef.container(PVE1, CT));
        try (ProxmoxApi alice = peer.alice(new RequestLog())) {
            PermissionDeniedException ct = assertThrows(PermissionDeniedException.class, () -> alice.consoles().commands()
                    .run(container(), List.of("hostname"), TIMEOUT, OutputListener.NONE));
            assertEquals(Optional.of("VM.Console"), ct.privilege());
            PermissionDeniedException node = assertThrows(PermissionDeniedException.class, () -> alice.consoles()
                    .commands().journal(TerminalTarget.node(PVE1), 5, List.of(), OutputListener.NONE));
            assertEquals(Optional.of("Sys.Console"), node.privilege());
            PermissionDeniedException borrowed = assertThrows(PermissionDeniedException.class, () -> alice.consoles()
                    .commands().run(container(), roots, List.of("hostname"), TIMEOUT, OutputListener.NONE));
            assertEquals(Optional.of("VM.Console"), borrowed.privilege(), "the websocket needs the privilege too");
        }
    }
}
