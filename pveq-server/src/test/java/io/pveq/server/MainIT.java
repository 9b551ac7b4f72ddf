package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, started as an operator starts it: {@code java -jar target/pveq-server.jar}. */
class MainIT {

    private static final Path JAR = Path.of("target", "pveq-server.jar").toAbsolutePath();

    private static Process start(Path dir, Map<String, String> env) throws IOException {
        assumeTrue(Files.isRegularFile(JAR), "the jar is built in the package phase");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("NODE_") || EnvConfig.VARIABLES.contains(k));
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void invalidConfigurationStopsStartUpNamingTheVariable(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), "PORT=80x80\n");
        Process p = start(dir, Map.of());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("configuration error: PORT: must be a whole number"), out);

        Process q = start(dir, Map.of("PORT", "8080", "GATEWAY", "192.168.0.1"));
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        String out2 = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, q.exitValue(), out2);
        assertTrue(out2.contains("configuration error: MAIN_NODE"), out2);
    }
}
