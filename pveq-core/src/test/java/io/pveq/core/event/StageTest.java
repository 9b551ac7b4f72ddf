package io.pveq.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StageTest {

    @Test
    void installStagesAreExactlySpecsListInOrder() throws IOException {
        String shared = System.getProperty("pveq.shared.dir");
        assumeTrue(shared != null && Files.isRegularFile(Path.of(shared, "SPEC.md")),
                "pveq.shared.dir/SPEC.md missing: skipping the comparison with SPEC's stage table");
        String spec = Files.readString(Path.of(shared, "SPEC.md"));
        int start = spec.indexOf("### Install stages, in order");
        assertTrue(start >= 0, "SPEC.md has no install stage table");
        int end = spec.indexOf("\n## ", start);
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(spec.substring(start, end < 0 ? spec.length() : end));
        List<String> expected = new ArrayList<>();
        while (row.find()) {
            expected.add(row.group(1));
        }
        assertEquals(18, expected.size(), "SPEC's table changed size: " + expected);
        assertEquals(expected, OperationKind.INSTALL.stages().stream().map(Stage::label).toList());
    }

    @Test
    void startAndRebootUseTheReferenceStepNames() {
        assertEquals(List.of("starting VM", "waiting for SSH", "finalizing"),
                OperationKind.START.stages().stream().map(Stage::label).toList());
        assertEquals(List.of("rebooting VM", "waiting for SSH", "finalizing"),
                OperationKind.REBOOT.stages().stream().map(Stage::label).toList());
    }

    @Test
    void labelsAreUniqueAndEveryStageBelongsSomewhere() {
        Set<String> labels = new HashSet<>();
        for (Stage s : Stage.values()) {
            assertTrue(labels.add(s.label()), "duplicate label " + s.label());
        }
        Set<Stage> used = new HashSet<>(List.of(Stage.ROLLING_BACK));
        Arrays.stream(OperationKind.values()).forEach(k -> used.addAll(k.stages()));
        assertEquals(Set.of(Stage.values()), used);
    }
}
