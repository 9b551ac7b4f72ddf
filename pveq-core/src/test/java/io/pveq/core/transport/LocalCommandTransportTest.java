package io.pveq.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LocalCommandTransportTest extends CommandTransportContract {

    @Override
    protected CommandTransport createTransport() {
        return LocalCommandTransport.create();
    }

    @Test
    void missingProgramIsATransportFailure() {
        TransportException thrown = assertThrows(TransportException.class,
                () -> transport().run(List.of("pveq-no-such-program-xyz")));
        assertTrue(thrown.getMessage().contains("pveq-no-such-program-xyz"), thrown.getMessage());
    }

    @Test
    void timeoutKillsGrandchildrenToo() throws Exception {
        Path pidFile = temp.resolve("child");
        assertThrows(CommandTimeoutException.class, () -> transport().run(CommandRequest.builder(
                        List.of("sh", "-c", "sleep 60 & echo $! > \"$0\"; wait", pidFile.toString()))
                .timeout(Duration.ofMillis(800)).build()));
        long child = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true), "grandchild survived");
    }

    @Test
    void interruptKillsTheCommand() throws Exception {
        Path pidFile = temp.resolve("pid");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                transport().run(List.of("sh", "-c", "echo $$ > \"$0\"; exec sleep 60", pidFile.toString()));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
            Thread.sleep(20);
        }
        caller.interrupt();
        caller.join(10_000);
        assertTrue(thrown.get() instanceof TransportException, String.valueOf(thrown.get()));
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Thread.sleep(200);
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "command survived the interrupt");
    }

    @Test
    void secretArgumentsAreHiddenInDisplay() {
        CommandResult result = transport().run(CommandRequest.builder(
                List.of("echo", "--cipassword", "hunter2")).secret(2).build());
        assertEquals("--cipassword hunter2\n", result.stdout());
        assertEquals(List.of("echo", "--cipassword", "<hidden>"), result.displayArgv());
        assertTrue(!result.toString().contains("hunter2"));
    }

    @Test
    void environmentAndDirectoryAreApplied() {
        try (LocalCommandTransport custom = LocalCommandTransport.builder()
                .workingDirectory(temp).environment("PVEQ_TEST_VAR", "v a l").build()) {
            CommandResult result = custom.run(List.of("sh", "-c", "pwd; printf '%s' \"$PVEQ_TEST_VAR\""));
            assertEquals(temp.toString() + "\nv a l", result.stdout());
        }
    }
}
