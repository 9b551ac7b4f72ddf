package io.pveq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the pveq-api examples' mains in-process against the simulator's API face. */
class ApiExamplesTest {

    @Test
    void listClusterShowsNodesStoragesAndCpuLevels() {
        Output out = new Output();
        assertEquals(0, ApiListCluster.run(out.stream, Map.of()), out.text());
        String text = out.text();
        assertTrue(text.contains("at the simulated cluster at https://127.0.0.1:"), text);
        assertTrue(Pattern.compile("(?m)^pve1\\s+online\\s+\\d+\\s+\\d+\\s+x86-64-v").matcher(text).find(), text);
        assertTrue(text.contains("storage local-lvm"), text);
        assertTrue(Pattern.compile("(?m)^\\d+\\s+web\\s+running\\s+pve1").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^\\d+\\s+db\\s+stopped\\s+pve2").matcher(text).find(), text);
    }

    @Test
    void createVmCreatesStartsStopsAndDestroysWithATokenAndAPin() {
        Output out = new Output();
        assertEquals(0, ApiCreateVm.run(out.stream, Map.of()), out.text());
        String text = out.text();
        assertTrue(text.contains("is running"), text);
        assertTrue(text.contains("is stopped"), text);
        assertTrue(Pattern.compile("destroyed VM \\d+; free again: true").matcher(text).find(), text);
    }

    @Test
    void followTaskPrintsTheLogOfADownloadAndAnImport() {
        Output out = new Output();
        assertEquals(0, ApiFollowTask.run(out.stream, Map.of()), out.text());
        String text = out.text();
        assertTrue(text.contains("download: OK"), text);
        assertTrue(text.contains("  | "), text);
        assertTrue(text.contains("progress 50.0%"), text);
        assertTrue(text.contains("create: OK"), text);
    }

    @Test
    void aRealClusterNeedsTokenAndFingerprint() {
        Output out = new Output();
        assertEquals(1, ApiListCluster.run(out.stream, Map.of("PVE_API_URL", "https://127.0.0.1:1")));
        assertTrue(out.text().contains("PVE_API_TOKEN must be set"), out.text());
    }
}
