package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.sim.testing.ApiConformance;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server on the simulated cluster serves that cluster's Proxmox VE REST API too, and
 * {@code /api/info} tells a second program how to reach it: URL, root token and the certificate
 * fingerprint, which this test pins instead of trusting any certificate.
 */
class SimApiMainIT {

    @Test
    void aSecondProgramDrivesTheSimulatedClusterThroughItsProxmoxApi(@TempDir Path dir) throws Exception {
        Path jar = Path.of("target", "pveq-server.jar").toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "the jar is built in the package phase");
        int port = freePort();
        int apiPort = freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("NODE_") || EnvConfig.VARIABLES.contains(k));
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("BIND_ADDRESS", "127.0.0.1");
        pb.environment().put("SIM_API_PORT", Integer.toString(apiPort));
        Path record = dir.resolve("exchanges.jsonl");
        pb.environment().put("PVEQ_SIM_API_RECORD", record.toString());
        Process p = pb.start();
        try {
            HttpClient plain = HttpClient.newHttpClient();
            JsonNode info = null;
            for (int i = 0; i < 300 && info == null && p.isAlive(); i++) {
                try {
                    info = new ObjectMapper().readTree(plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + port + "/api/info")).build(), HttpResponse.BodyHandlers.ofString()).body());
                } catch (java.io.IOException e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(info != null, Files.readString(dir.resolve("server.log")));
            JsonNode simApi = info.path("sim_api");
            assertEquals("https://127.0.0.1:" + apiPort, simApi.path("url").asText(), info.toString());
            HttpClient pinned = HttpClient.newBuilder().sslContext(pinning(simApi.path("fingerprint").asText())).build();
            HttpResponse<String> created = pinned.send(HttpRequest.newBuilder(URI.create(simApi.path("url").asText()
                            + "/api2/json/nodes/pve2/qemu"))
                    .header("Authorization", "PVEAPIToken=" + simApi.path("token").asText())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("vmid=4242&name=from-proxmox-api")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, created.statusCode(), created.body());
            String list = "";
            for (int i = 0; i < 100 && !list.contains("from-proxmox-api"); i++) {
                Thread.sleep(100);
                list = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/vm/list"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(list.contains("from-proxmox-api"), "pveq-server sees the VM made through the Proxmox API: " + list);
            ApiConformance.Recording recording = ApiConformance.checkRecording(record);
            assertEquals(List.of(), recording.violations(), "the server's simulated API keeps to the schema");
            assertTrue(recording.checked() >= 1, "the create was recorded and checked: " + recording);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
    }

    /** Trusts exactly the certificate with this SHA-256 fingerprint (Proxmox's AB:CD:... form). */
    private static SSLContext pinning(String fingerprint) throws Exception {
        X509TrustManager pin = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    String seen = HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                    if (!seen.equals(fingerprint)) {
                        throw new CertificateException("fingerprint " + seen + " is not the pinned " + fingerprint);
                    }
                } catch (java.security.GeneralSecurityException e) {
                    throw new CertificateException(e);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {pin}, null);
        return context;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
