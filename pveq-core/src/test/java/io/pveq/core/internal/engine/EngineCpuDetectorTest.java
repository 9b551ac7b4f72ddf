package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pveq.core.AddressProbe;
import io.pveq.core.CpuLevel;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineCpuDetectorTest {

    private static Map<String, String> recordedFlags() throws IOException {
        String shared = System.getProperty("pveq.shared.dir");
        assumeTrue(shared != null && Files.isDirectory(Path.of(shared)), "pveq.shared.dir missing: skipping");
        Path tsv = Path.of(shared, "reference", "cpu", "cpuinfo-flags.tsv");
        assumeTrue(Files.isRegularFile(tsv), "no " + tsv + ": skipping");
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                String[] cols = line.split("\t");
                rows.put(cols[0], cols[2]);
            }
        }
        return rows;
    }

    @Test
    void aSingleNodeClusterRunsThatNodesLevelForEveryRecordedMachine() throws IOException {
        for (Map.Entry<String, String> row : recordedFlags().entrySet()) {
            try (Harness h = new Harness("pve1")) {
                h.pve.nodeFlags.put("pve1", row.getValue());
                assertEquals(CpuLevel.fromFlags(row.getValue()), h.provisioner.cpuDetector().clusterLevel(), row.getKey());
            }
        }
    }

    @Test
    void aMixedClusterRunsTheLowestLevelOfAllItsNodesOfflineOnesIncluded() throws IOException {
        Map<String, String> rows = recordedFlags();
        try (Harness h = new Harness("pve1", "pve2", "pve3")) {
            h.pve.nodeFlags.put("pve1", rows.get("linux-rocky9-zen5"));
            h.pve.nodeFlags.put("pve2", rows.get("linux-rhel7-haswell"));
            h.pve.nodeFlags.put("pve3", rows.get("linux-rhel7-ivybridge"));
            EngineCpuDetector cpu = h.provisioner.cpuDetector();
            assertEquals(CpuLevel.X86_64_V2_AES, cpu.clusterLevel());
            assertEquals(CpuLevel.X86_64_V4, cpu.nodeLevel(NodeName.of("pve1")));
            h.pve.offline.add("pve3");
            assertEquals(CpuLevel.X86_64_V2_AES, cpu.clusterLevel(),
                    "an offline node can host the VM once it is back: its last known level still counts");
            h.pve.nodeFlags.put("pve2", rows.get("linux-rocky9-zen5"));
            cpu.invalidate();
            assertEquals(CpuLevel.X86_64_V2_AES, cpu.clusterLevel(), "remembered across invalidation");
            assertThrows(NodeUnavailableException.class, () -> {
                cpu.invalidate();
                cpu.nodeLevel(NodeName.of("pve3"));
            });
        }
    }

    @Test
    void anOfflineNodeNeverReadDoesNotStopDetectionAndTheLowestKnownLevelStands() {
        try (Harness h = new Harness("pve1", "pve2", "pve3")) {
            h.pve.nodeFlags.put("pve2", FakePve.FLAGS_V2);
            h.pve.offline.add("pve3");
            EngineCpuDetector cpu = h.provisioner.cpuDetector();
            assertEquals(CpuLevel.X86_64_V2, cpu.clusterLevel());
            assertEquals(List.of(), h.pve.commandsWith("nodes/pve3/status"), "an offline node is not asked");
        }
    }

    @Test
    void levelsAreCachedUntilInvalidated() {
        try (Harness h = new Harness("pve1", "pve2")) {
            EngineCpuDetector cpu = h.provisioner.cpuDetector();
            cpu.clusterLevel();
            cpu.clusterLevel();
            assertEquals(2, h.pve.commandsWith("/status").size(), "one status read per node");
            h.pve.nodeFlags.put("pve2", FakePve.FLAGS_V2);
            assertEquals(CpuLevel.X86_64_V3, cpu.clusterLevel());
            cpu.invalidate();
            assertEquals(CpuLevel.X86_64_V2, cpu.clusterLevel());
        }
    }

    @Test
    void aConfiguredTypeReplacesDetection() {
        try (Harness h = new Harness(b -> b.cpuType(CpuLevel.X86_64_V2_AES), AddressProbe.NEVER_IN_USE, "pve1")) {
            assertEquals(CpuLevel.X86_64_V2_AES, h.provisioner.cpuDetector().clusterLevel());
            assertEquals(List.of(), h.pve.commandsWith("/status"));
        }
    }
}
