package io.pveq.images;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.pveq.core.ImageException;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.ImageTarget;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.images.testing.Images;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node-side download through Proxmox's download-url route: argv checked against the real PVE schema. */
class NodeDownloadUrlTest {

    private static final OsRelease DEBIAN = OsRelease.of("debian", "12");
    private static final String SUMS = "/debian/images/cloud/bookworm/latest/SHA512SUMS";

    @TempDir
    Path cacheDir;
    private WireMockServer server;
    private ImageCache cache;
    private final byte[] data = Images.bytes(1000, 41);
    private final FakeNode node = new FakeNode();

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(get(urlEqualTo(SUMS)).willReturn(aResponse().withBody(
                Images.debianSums("debian-12-generic-amd64.qcow2", data))));
        cache = ImageCache.builder(cacheDir).mirror("debian", URI.create("http://127.0.0.1:" + server.port() + "/debian/"))
                .build();
    }

    @AfterEach
    void stop() {
        cache.close();
        server.stop();
    }

    private ImageTarget target() {
        return new ImageTarget(NodeName.of("pve1"), false, node, Optional.empty());
    }

    @Test
    void asksTheNodeToDownloadWithTheUpstreamChecksumThenReusesTheVolume() {
        ImageSource source = cache.resolve(DEBIAN);
        String sha512 = Images.hex("SHA-512", data);
        String volume = cache.placeByNodeDownload(source, target(), "local", Duration.ofMinutes(5));
        String file = "pveq-debian-12-" + sha512.substring(0, 16) + ".qcow2";
        assertEquals("local:import/" + file, volume);
        assertEquals(List.of("pvesh", "create", "/nodes/pve1/storage/local/download-url",
                "--url", source.imageUri().toString(), "--content", "import", "--filename", file,
                "--checksum", sha512, "--checksum-algorithm", "sha512"), node.argvs.get(1));

        assertEquals(volume, cache.placeByNodeDownload(source, target(), "local", Duration.ofMinutes(5)));
        assertEquals(3, node.argvs.size(), "second placement only lists the storage");
        assertEquals(List.of("pvesh", "get", "/nodes/pve1/storage/local/content", "--content", "import",
                "--output-format", "json"), node.argvs.get(2));
    }

    @Test
    void downloadArgvUsesOnlyParametersAndEnumValuesOfThePveSchema() throws Exception {
        String dir = System.getProperty("pveq.shared.dir");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir, "reference/proxmox")),
                "pveq.shared.dir with reference/proxmox not available; skipping schema check");
        cache.placeByNodeDownload(cache.resolve(DEBIAN), target(), "local", Duration.ofMinutes(5));
        List<String> argv = node.argvs.get(1);
        for (String version : List.of("pve8", "pve9")) {
            String api = Files.readString(Path.of(dir, "reference/proxmox", version, "apidata.js"));
            int at = api.indexOf("\"name\" : \"download_url\"");
            assertTrue(at > 0, "download_url in " + version);
            String section = api.substring(at, api.indexOf("\"permissions\"", at));
            Set<String> params = new HashSet<>();
            Matcher m = Pattern.compile("\"([a-z-]+)\" : \\{\\s*(?:\"default\"|\"description\")").matcher(section);
            while (m.find()) {
                params.add(m.group(1));
            }
            Map<String, String> given = new java.util.LinkedHashMap<>();
            for (int i = 3; i < argv.size(); i += 2) {
                given.put(argv.get(i).substring(2), argv.get(i + 1));
            }
            assertTrue(params.containsAll(given.keySet()), version + " lacks " + given.keySet() + " in " + params);
            assertTrue(section.contains("\"import\""), version + " content enum has import");
            assertTrue(section.contains("\"sha512\""), version + " checksum-algorithm enum has sha512");
        }
    }

    @Test
    void failedNodeDownloadIsAnImageExceptionWithStderr() {
        node.failDownload = true;
        ImageException e = assertThrows(ImageException.class,
                () -> cache.placeByNodeDownload(cache.resolve(DEBIAN), target(), "local", Duration.ofMinutes(5)));
        assertTrue(e.getMessage().contains("checksum verification failed"), e.getMessage());
    }

    @Test
    void rejectsAMalformedStorageId() {
        assertThrows(ImageException.class,
                () -> cache.placeByNodeDownload(cache.resolve(DEBIAN), target(), "local; rm -rf /", Duration.ofMinutes(1)));
        assertTrue(node.argvs.isEmpty());
    }

    /** Answers pvesh like a node whose storage starts empty. */
    private static final class FakeNode implements CommandTransport {
        final List<List<String>> argvs = new ArrayList<>();
        final List<String> volumes = new ArrayList<>();
        boolean failDownload;

        @Override
        public synchronized CommandResult run(CommandRequest request) {
            List<String> argv = request.argv();
            argvs.add(argv);
            if (argv.get(1).equals("get")) {
                String json = volumes.stream().map(v -> "{\"volid\":\"" + v + "\",\"content\":\"import\"}")
                        .collect(Collectors.joining(",", "[", "]"));
                return new CommandResult(argv, 0, json, "", Duration.ZERO);
            }
            if (failDownload) {
                return new CommandResult(argv, 255, "", "checksum verification failed", Duration.ZERO);
            }
            String storage = argv.get(2).split("/")[4];
            volumes.add(storage + ":import/" + argv.get(argv.indexOf("--filename") + 1));
            return new CommandResult(argv, 0, "UPID:pve1:0000AAAA:00BBBBBB:67000000:download:x:root@pam:", "",
                    Duration.ZERO);
        }

        @Override
        public String describe() {
            return "fake pve1";
        }
    }
}
