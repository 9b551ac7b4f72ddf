package io.pveq.sim.internal.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.testing.TestPeer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {

    /** Its main thread ends at once; another thread lives until standard input closes. */
    private static final String MAIN_ENDS_FIRST = """
            #include <pthread.h>
            #include <stdio.h>
            #include <unistd.h>
            static void *drain(void *arg) { char b[64]; while (read(0, b, sizeof b) > 0) { } return arg; }
            int main(void) {
                pthread_t t;
                pthread_create(&t, 0, drain, 0);
                puts("ready");
                fflush(stdout);
                pthread_exit(0);
            }
            """;

    private static String state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
    }

    @Test
    void aProcessRunsWhileAnyThreadDoesThoughItsMainThreadShowsAsAZombie(@TempDir Path dir) throws Exception {
        Path gcc = TestPeer.GCC.require();
        Files.writeString(dir.resolve("main_ends_first.c"), MAIN_ENDS_FIRST);
        Process cc = new ProcessBuilder(gcc.toString(), "-pthread", "-o", dir.resolve("main_ends_first").toString(),
                dir.resolve("main_ends_first.c").toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, ccOut);

        Process process = new ProcessBuilder(dir.resolve("main_ends_first").toString()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!state(process.pid()).equals("Z") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("Z", state(process.pid()), "the main thread ended");
            assertTrue(Processes.startTicks(process.pid()).isPresent(),
                    "still running: its other thread runs (QEMU's I/O threads finishing at exit hold its sockets)");
            process.getOutputStream().close();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Processes.startTicks(process.pid()).isEmpty(), "ended with its last thread");
        } finally {
            process.destroyForcibly();
        }
    }
}
