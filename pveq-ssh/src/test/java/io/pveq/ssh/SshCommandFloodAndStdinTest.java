package io.pveq.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTimeoutException;
import io.pveq.core.transport.OutputListener;
import io.pveq.core.transport.TransportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that never stop printing, and stdin that a command reads late: the timeout, interrupts
 * and the input must all still hold (the caller reads output itself, so nothing may keep it busy).
 */
class SshCommandFloodAndStdinTest {

    @RegisterExtension
    static final OpenSshServer SSHD = new OpenSshServer();

    @TempDir
    Path temp;

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    /** Does a little work per line, so that it is slower than sshd delivers {@code yes}. */
    private static OutputListener slowListener(AtomicLong lines) {
        return (stream, line) -> {
            double x = 0;
            for (int i = 0; i < 200; i++) {
                x += Math.sqrt(i + line.length());
            }
            if (x >= 0) {
                lines.incrementAndGet();
            }
        };
    }

    @Test
    void aCommandThatFloodsAListenerStillTimesOutAndIsKilled() throws Exception {
        Path pidFile = temp.resolve("yes.pid");
        AtomicLong lines = new AtomicLong();
        try (SshCommandTransport transport = SSHD.transport().build()) {
            Future<CommandResult> run = callers.submit(() -> transport.run(CommandRequest.builder(
                    List.of("sh", "-c", "echo $$ > \"$0\"; exec yes", pidFile.toString()))
                    .listener(slowListener(lines)).timeout(Duration.ofSeconds(1)).build()));
            ExecutionException thrown = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS),
                    "the timeout did not stop a flooding command");
            assertInstanceOf(CommandTimeoutException.class, thrown.getCause());
            assertTrue(lines.get() > 0, "the listener saw output");
            SshCommandTransportTest.awaitGone(Long.parseLong(Files.readString(pidFile).strip()));
            assertEquals("still fine", transport.run(List.of("printf", "still fine")).stdout());
        }
    }

    @Test
    void aCommandThatFloodsAListenerStillObeysAnInterrupt() throws Exception {
        Path pidFile = temp.resolve("yes2.pid");
        AtomicLong lines = new AtomicLong();
        try (SshCommandTransport transport = SSHD.transport().build()) {
            java.util.concurrent.CountDownLatch returned = new java.util.concurrent.CountDownLatch(1);
            Future<?> run = callers.submit(() -> {
                try {
                    return transport.run(CommandRequest.builder(
                            List.of("sh", "-c", "echo $$ > \"$0\"; exec yes", pidFile.toString()))
                            .listener(slowListener(lines)).timeout(Duration.ofMinutes(5)).build());
                } finally {
                    returned.countDown();
                }
            });
            SshCommandTransportTest.awaitLine(pidFile);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (lines.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            run.cancel(true);
            assertTrue(returned.await(20, TimeUnit.SECONDS), "the interrupted caller did not return");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            SshCommandTransportTest.awaitGone(pid);
        }
    }

    @Test
    void aVerySlowListenerCannotHoldUpTheTimeoutOrTheKill() throws Exception {
        Path pidFile = temp.resolve("yes3.pid");
        AtomicLong lines = new AtomicLong();
        try (SshCommandTransport transport = SSHD.transport().build()) {
            long start = System.nanoTime();
            Future<CommandResult> run = callers.submit(() -> transport.run(CommandRequest.builder(
                    List.of("sh", "-c", "echo $$ > \"$0\"; exec yes", pidFile.toString()))
                    .listener((stream, line) -> {
                        lines.incrementAndGet();
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000); // 0.2 ms per line
                    }).timeout(Duration.ofSeconds(1)).build()));
            ExecutionException thrown = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
            assertInstanceOf(CommandTimeoutException.class, thrown.getCause());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "timeout 1 s plus a bounded kill");
            SshCommandTransportTest.awaitGone(Long.parseLong(Files.readString(pidFile).strip()));
        }
    }

    @Test
    void aCommandThatReadsPartOfItsStdinAndExitsGetsItsExitCodeNotAStdinError() throws Exception {
        // sshd's close ends our stdin stream too; a feed cut off by it must not count as a failure
        byte[] input = new byte[4 * 1024 * 1024];
        try (SshCommandTransport transport = SSHD.transport().build()) {
            List<Future<Integer>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                int bytes = 300_000 + (i % 20) * 100_000;
                runs.add(callers.submit(() -> transport.run(CommandRequest.builder(
                        List.of("sh", "-c", "head -c " + bytes + " >/dev/null; exit 3")).stdin(input).build()).exitCode()));
            }
            for (Future<Integer> run : runs) {
                assertEquals(3, run.get(60, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aConnectionThatStallsDuringACommandIsDroppedAfterTheBoundedKill() throws Exception {
        // the command stops its own sshd session process: nothing more arrives on that connection
        Path ids = temp.resolve("stalled");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            long start = System.nanoTime();
            assertThrows(CommandTimeoutException.class, () -> transport.run(CommandRequest.builder(List.of("sh", "-c",
                    "echo $$ $PPID > \"$0\"; kill -STOP $PPID; exec sleep 60", ids.toString()))
                    .timeout(Duration.ofSeconds(1)).build()));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(13), "timeout 1 s plus the 9 s kill bound");
            String[] pids = Files.readString(ids).strip().split(" ");
            try {
                long next = System.nanoTime();
                assertEquals("fresh", transport.run(List.of("printf", "fresh")).stdout());
                // were the stalled connection still pooled, opening a channel on it would first wait out
                // the 10 s connection timeout
                assertTrue(System.nanoTime() - next < TimeUnit.SECONDS.toNanos(5), "the stalled connection was reused");
            } finally {
                new ProcessBuilder("kill", "-KILL", pids[0], pids[1]).start().waitFor();
            }
        }
    }

    @Test
    void stdinLargerThanTheWindowReachesACommandThatStartsReadingAfterTheConnectionTimeout() {
        // sshj gives up waiting for window space after the connection timeout (here 1 s); the feed must not
        byte[] input = new byte[8 * 1024 * 1024];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) ('0' + i % 10);
        }
        try (SshCommandTransport transport = SSHD.transport().connectTimeout(Duration.ofSeconds(1)).build()) {
            CommandResult result = transport.run(CommandRequest.builder(List.of("sh", "-c", "sleep 3; wc -c"))
                    .stdin(input).timeout(Duration.ofSeconds(60)).build());
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals(Integer.toString(input.length), result.stdout().strip());
        }
    }

    @Test
    void aCommandThatExitsWithoutReadingItsLargeStdinIsNotAnError() {
        byte[] input = new byte[8 * 1024 * 1024];
        try (SshCommandTransport transport = SSHD.transport().build()) {
            CommandResult result = transport.run(CommandRequest.builder(List.of("sh", "-c", "exit 4"))
                    .stdin(input).build());
            assertEquals(4, result.exitCode());
        }
    }

    @Test
    void aListenerGetsTheLastLineWithoutANewlineAlsoWhenTheCommandTimesOut() throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SshCommandTransport transport = SSHD.transport().build()) {
            TransportException thrown = assertThrows(TransportException.class, () -> transport.run(CommandRequest
                    .builder(List.of("sh", "-c", "printf 'done\\nhalf a line'; exec sleep 60"))
                    .listener((stream, line) -> lines.add(line)).timeout(Duration.ofMillis(800)).build()));
            assertInstanceOf(CommandTimeoutException.class, thrown);
            assertEquals(List.of("done", "half a line"), lines);
        }
    }
}
