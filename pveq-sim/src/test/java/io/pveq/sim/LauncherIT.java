package io.pveq.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bin/ launchers work after {@code mvn package}: separate processes share one cluster folder. */
class LauncherIT {

    @TempDir
    Path state;

    private record Run(int exit, String stdout, String stderr) {
    }

    private Run run(String node, String... argv) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of("bin", argv[0]).toAbsolutePath().toString());
        command.addAll(List.of(argv).subList(1, argv.length));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("PVEQ_SIM_STATE", state.toString());
        env.put("PVEQ_SIM_NODE", node);
        env.put("PVEQ_SIM_SPEED", "instant");
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path out = Files.createTempFile(state.getParent(), "out", ".txt");
        Path err = Files.createTempFile(state.getParent(), "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "launcher finished");
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void qmPveshAndPvesmShareTheClusterAcrossProcesses() throws Exception {
        Run created = run("pve1", "qm", "create", "100", "--name", "web", "--memory", "1024", "--scsi0", "local-lvm:8");
        assertEquals(0, created.exit(), created.stderr());
        assertTrue(created.stdout().contains("scsi0: successfully created disk 'local-lvm:vm-100-disk-0,size=8G'"));
        Run taken = run("pve2", "qm", "create", "100");
        assertEquals(255, taken.exit());
        assertEquals("unable to create VM 100 - VM 100 already exists on node 'pve1'\n", taken.stderr());
        Run list = run("pve1", "qm", "list");
        assertTrue(list.stdout().startsWith("      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID"),
                list.stdout());
        Run nextid = run("pve3", "pvesh", "get", "/cluster/nextid", "--output-format", "json");
        assertEquals("\"101\"\n", nextid.stdout());
        Run pvesm = run("pve2", "pvesm", "status");
        assertTrue(pvesm.stdout().contains("local-lvm"), pvesm.stdout());
        Run bad = run("pve1", "qm", "start", "100", "--bogus");
        assertEquals(255, bad.exit());
    }
}
