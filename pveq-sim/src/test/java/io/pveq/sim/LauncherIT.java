package io.pveq.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.sim.testing.ApiConformance;
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

/**
 * The bin/ launchers work after {@code mvn package}: separate processes share one cluster folder,
 * and {@code bin/pveq-sim-api} serves the REST API of that same folder.
 */
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

    @Test
    void theApiLauncherServesTheStateTheCommandLaunchersChange() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of("bin", "pveq-sim-api").toAbsolutePath().toString(),
                "--user", "alice@pve:alice-pw", "--token", "alice@pve!ci=s3cret", "--acl", "/:alice@pve:PVEAdmin",
                "--acl", "/:alice@pve!ci:PVEVMAdmin");
        Map<String, String> env = builder.environment();
        env.put("PVEQ_SIM_STATE", state.toString());
        env.put("PVEQ_SIM_SPEED", "instant");
        env.put("PVEQ_SIM_API_PORT", "0");
        Path record = Files.createTempFile("pveq-sim-api-", ".jsonl");
        env.put("PVEQ_SIM_API_RECORD", record.toString());
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process server = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("{"), "the launcher prints its facts: " + line);
            com.fasterxml.jackson.databind.JsonNode facts = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            assertTrue(facts.path("token").asText().startsWith("root@pam!pveq="), line);
            assertTrue(facts.path("fingerprint").asText().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), line);
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .sslContext(trusting(Path.of(facts.path("ca").asText()))).build();
            String url = facts.path("url").asText() + "/api2/json";
            java.net.http.HttpResponse<String> created = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(url + "/nodes/pve1/qemu"))
                    .header("Authorization", "PVEAPIToken=alice@pve!ci=s3cret")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("vmid=100&name=from-api&memory=1024"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, created.statusCode(), created.body());
            Run list = null;
            for (int i = 0; i < 50; i++) {
                list = run("pve1", "qm", "list");
                if (list.stdout().contains("from-api")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(list.stdout().contains("from-api"), list.stdout());
            assertEquals(0, run("pve2", "qm", "create", "101", "--name", "from-cli").exit());
            java.net.http.HttpResponse<String> vms = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(url + "/nodes/pve2/qemu"))
                    .header("Authorization", "PVEAPIToken=" + facts.path("token").asText()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(vms.body().contains("\"name\":\"from-cli\""), vms.body());
            Run taken = run("pve3", "qm", "create", "100");
            assertEquals("unable to create VM 100 - VM 100 already exists on node 'pve1'\n", taken.stderr());
            ApiConformance.Recording recording = ApiConformance.checkRecording(record);
            assertEquals(List.of(), recording.violations(), "the launcher's answers keep to the schema");
            assertEquals(2, recording.checked(), "both exchanges were recorded and checked");
        } finally {
            Files.deleteIfExists(record);
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the API launcher stops on SIGTERM");
        }
    }

    private static javax.net.ssl.SSLContext trusting(Path ca) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(ca)));
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
