package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pveq.server.fake.FakeProvisioner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The repository's own sh/ scripts are served exactly as sh/bundle.sh bundles them. */
class RepoScriptsTest {

    @Test
    void everyInitScriptIsServedAsBundleShPrintsItFromTheFolderOrThePackagedCopies() throws Exception {
        Path sh = Path.of("..", "sh").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(sh.resolve("bundle.sh")), "sh/ not in this checkout");
        List<String> names;
        try (Stream<Path> files = Files.list(sh)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[a-z]+_[0-9.]+\\.sh")).sorted().toList();
        }
        assertEquals(9, names.size(), names.toString());
        try (ServerFixture s = new ServerFixture(new FakeProvisioner(), b -> b.shDir(sh))) {
            for (String name : names) {
                Process p = new ProcessBuilder("bash", sh.resolve("bundle.sh").toString(), name).start();
                String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.waitFor(), name);
                assertEquals(expected, s.get("/sh/" + name).body(), name);
            }
            assertEquals(404, s.get("/sh/bundle.sh").statusCode());
        }
        try (ServerFixture s = new ServerFixture(new FakeProvisioner(), b -> b.shDir(null))) {
            for (String name : names) {
                Process p = new ProcessBuilder("bash", sh.resolve("bundle.sh").toString(), name).start();
                String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.waitFor(), name);
                assertEquals(expected, s.get("/sh/" + name).body(), "packaged copy of " + name);
            }
            assertEquals(404, s.get("/sh/lib/common.sh").statusCode());
        }
    }
}
