package io.pveq.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link CommandTransport} must show. A transport's test extends this class and
 * supplies a transport whose commands run on a POSIX machine that can see this JVM's temporary
 * folder (this machine, or an SSH server on loopback). Shipped in the pveq-core test-jar.
 */
public abstract class CommandTransportContract {

    /** Arguments a shell would mangle; each must arrive as exactly one, unchanged argument. */
    protected static final List<String> HOSTILE_ARGUMENTS = List.of(
            "plain",
            "with space",
            "  leading and trailing  ",
            "single'quote",
            "double\"quote",
            "'; touch /tmp/pveq-pwned; echo '",
            "$HOME",
            "${PATH}",
            "$(id)",
            "`id`",
            "a;b",
            "a && b || c",
            "a|b",
            "> /tmp/pveq-redirect",
            "back\\slash\\",
            "new\nline",
            "tab\there",
            "glob*?[a]",
            "~",
            "#comment",
            "-n",
            "--cipassword",
            "äöü ßø 日本語 🚀",
            "");

    @TempDir
    protected Path temp;

    private CommandTransport transport;

    /** @return a fresh transport under test; closed after each test */
    protected abstract CommandTransport createTransport() throws Exception;

    /** @return how many threads the concurrency test uses */
    protected int concurrency() {
        return 32;
    }

    @BeforeEach
    void openTransport() throws Exception {
        transport = createTransport();
    }

    @AfterEach
    void closeTransport() {
        if (transport != null) {
            transport.close();
        }
    }

    /** @return the transport of the current test */
    protected CommandTransport transport() {
        return transport;
    }

    private static String nulJoined(List<String> parts) {
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            out.append(part).append('\0');
        }
        return out.toString();
    }

    @Test
    void argumentsArriveByteExactAsSeparateArguments() {
        List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
        argv.addAll(HOSTILE_ARGUMENTS);
        CommandResult result = transport.run(argv);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(nulJoined(HOSTILE_ARGUMENTS), result.stdout());
    }

    @Test
    void eachHostileArgumentAloneIsLiteral() {
        for (String argument : HOSTILE_ARGUMENTS) {
            CommandResult result = transport.run(List.of("printf", "[%s]", argument));
            assertEquals("[" + argument + "]", result.stdout(), "argument " + argument);
        }
        assertFalse(Files.exists(Path.of("/tmp/pveq-pwned")), "an argument was run as a command");
        assertFalse(Files.exists(Path.of("/tmp/pveq-redirect")), "an argument was run as a redirection");
    }

    @Test
    void hostileProgramNameIsNotInterpreted() {
        try {
            CommandResult result = transport.run(List.of("printf;touch /tmp/pveq-pwned", "x"));
            assertTrue(result.exitCode() != 0, "a program with that name cannot exist");
        } catch (TransportException expected) {
            // a transport may refuse to start a program that does not exist: equally fine
        }
        assertFalse(Files.exists(Path.of("/tmp/pveq-pwned")), "the program name was run through a shell");
    }

    @Test
    void stdinIsDeliveredAndClosed() {
        byte[] input = "line one\nzwei äö\n$(id)\n".getBytes(StandardCharsets.UTF_8);
        CommandResult result = transport.run(CommandRequest.builder(List.of("cat")).stdin(input).build());
        assertEquals(0, result.exitCode());
        assertEquals(new String(input, StandardCharsets.UTF_8), result.stdout());
    }

    @Test
    void largeStdinIsDelivered() {
        byte[] input = new byte[4 * 1024 * 1024];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) ('a' + i % 26);
        }
        CommandResult result = transport.run(CommandRequest.builder(List.of("wc", "-c")).stdin(input).build());
        assertEquals(String.valueOf(input.length), result.stdout().strip());
    }

    @Test
    void noStdinMeansEndOfFile() {
        CommandResult result = transport.run(CommandRequest.builder(List.of("cat"))
                .timeout(Duration.ofSeconds(20)).build());
        assertEquals(0, result.exitCode());
        assertEquals("", result.stdout());
    }

    @Test
    void exitCodesAreResultsNotExceptions() {
        assertEquals(0, transport.run(List.of("true")).exitCode());
        assertEquals(1, transport.run(List.of("false")).exitCode());
        assertEquals(255, transport.run(List.of("sh", "-c", "exit 255")).exitCode());
        assertEquals(42, transport.run(List.of("sh", "-c", "exit 42")).exitCode());
    }

    @Test
    void stderrIsSeparateFromStdout() {
        CommandResult result = transport.run(List.of("sh", "-c", "echo out; echo err >&2; echo out2"));
        assertEquals("out\nout2\n", result.stdout());
        assertEquals("err\n", result.stderr());
    }

    @Test
    void tenMegabytesOnBothStreamsDoNotDeadlock() {
        CommandResult result = transport.run(CommandRequest.builder(List.of("sh", "-c",
                        "head -c 10485760 /dev/zero | tr '\\0' e >&2; head -c 10485760 /dev/zero | tr '\\0' o"))
                .timeout(Duration.ofSeconds(120)).build());
        assertEquals(0, result.exitCode(), result.stderrTail(200));
        assertEquals(10 * 1024 * 1024, result.stdout().length());
        assertEquals(10 * 1024 * 1024, result.stderr().length());
        assertTrue(result.stdout().chars().allMatch(c -> c == 'o'));
        assertTrue(result.stderr().chars().allMatch(c -> c == 'e'));
    }

    @Test
    void linesAreStreamedToTheListenerAsTheyCome() {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        CommandResult result = transport.run(CommandRequest.builder(List.of("sh", "-c",
                        "echo first; echo warn >&2; printf 'transferred 1 of 2\\rtransferred 2 of 2\\n'; printf last"))
                .listener((stream, line) -> seen.add(stream + ":" + line))
                .build());
        assertEquals(0, result.exitCode());
        List<String> stdoutLines = seen.stream().filter(s -> s.startsWith("STDOUT:")).toList();
        assertEquals(List.of("STDOUT:first", "STDOUT:transferred 1 of 2", "STDOUT:transferred 2 of 2", "STDOUT:last"),
                stdoutLines);
        assertTrue(seen.contains("STDERR:warn"), seen.toString());
    }

    @Test
    void timeoutKillsTheCommandAndReportsIt() throws Exception {
        Path pidFile = temp.resolve("pid");
        long start = System.nanoTime();
        CommandTimeoutException thrown = assertThrows(CommandTimeoutException.class, () -> transport.run(
                CommandRequest.builder(List.of("sh", "-c", "echo started; echo $$ > \"$0\"; exec sleep 60",
                                pidFile.toString()))
                        .timeout(Duration.ofMillis(1500)).build()));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 15_000, "timeout took " + tookMillis + " ms");
        assertEquals(Duration.ofMillis(1500), thrown.timeout());
        assertTrue(thrown.getMessage().contains("timed out"), thrown.getMessage());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(Path.of("/proc", Long.toString(pid))) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(Files.exists(Path.of("/proc", Long.toString(pid))), "timed-out command " + pid + " still runs");
        // the transport is still usable afterwards
        assertEquals("ok", transport.run(List.of("printf", "ok")).stdout());
    }

    @Test
    void durationIsMeasured() {
        CommandResult result = transport.run(List.of("sleep", "0.2"));
        assertTrue(result.duration().toMillis() >= 150, result.duration().toString());
    }

    @Test
    void concurrentCallersEachGetTheirOwnOutput() throws Exception {
        int threads = concurrency();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<String> mismatches = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        String token = "t" + thread + "-" + i + " $x";
                        CommandResult result = transport.run(List.of("sh", "-c",
                                "printf '%s' \"$0\"; printf '%s' \"$0\" >&2; exit $1", token,
                                Integer.toString(i)));
                        if (!result.stdout().equals(token) || !result.stderr().equals(token)
                                || result.exitCode() != i) {
                            mismatches.add(token + " -> " + result);
                        }
                    }
                    return mismatches;
                }));
            }
            List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
            for (Future<List<String>> future : futures) {
                mismatches.addAll(future.get(5, TimeUnit.MINUTES));
            }
            assertEquals(List.of(), mismatches);
        } finally {
            pool.shutdownNow();
        }
    }
}
