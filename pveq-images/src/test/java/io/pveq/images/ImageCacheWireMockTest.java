package io.pveq.images;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.pveq.core.ImageException;
import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageProvider.DownloadProgress;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.images.testing.Images;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache against WireMock on loopback: status codes, redirects, slow bodies. */
class ImageCacheWireMockTest {

    private static final OsRelease UBUNTU = OsRelease.of("ubuntu", "22.04");
    private static final String DIR = "/mirror/releases/22.04/release/";
    private static final String IMAGE = DIR + "ubuntu-22.04-server-cloudimg-amd64.img";
    private static final String SUMS = DIR + "SHA256SUMS";

    @TempDir
    Path cacheDir;
    private WireMockServer server;
    private final byte[] data = Images.bytes(256 * 1024, 21);

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private ImageCache cache(Duration readTimeout, int attempts) {
        return ImageCache.builder(cacheDir)
                .mirror("ubuntu", URI.create(base() + "/mirror/"))
                .readTimeout(readTimeout)
                .maxAttempts(attempts)
                .retryBackoff(Duration.ZERO)
                .progressInterval(Duration.ZERO)
                .fsync(false)
                .build();
    }

    private void serveSums() {
        server.stubFor(get(urlEqualTo(SUMS)).willReturn(aResponse().withBody(
                Images.ubuntuSums("ubuntu-22.04-server-cloudimg-amd64.img", data))));
    }

    @Test
    void missingChecksumFileFailsWithoutDownloadingTheImage() {
        server.stubFor(get(urlEqualTo(SUMS)).willReturn(aResponse().withStatus(404)));
        server.stubFor(get(urlEqualTo(IMAGE)).willReturn(aResponse().withBody(data)));
        try (ImageCache cache = cache(Duration.ofSeconds(5), 2)) {
            ImageSource source = cache.resolve(UBUNTU);
            ImageException e = assertThrows(ImageException.class, () -> cache.fetch(source, DownloadProgress.NONE));
            assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains(SUMS), e.getMessage());
            assertEquals(0, server.findAll(getRequestedFor(urlEqualTo(IMAGE))).size());
            assertTrue(cache.cached(source).isEmpty());
        }
    }

    @Test
    void checksumFileNotListingTheImageIsAnError() {
        server.stubFor(get(urlEqualTo(SUMS)).willReturn(aResponse().withBody(Images.ubuntuSums("other.img", data))));
        try (ImageCache cache = cache(Duration.ofSeconds(5), 2)) {
            ImageException e = assertThrows(ImageException.class,
                    () -> cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE));
            assertTrue(e.getMessage().contains("does not list ubuntu-22.04-server-cloudimg-amd64.img"), e.getMessage());
        }
    }

    @Test
    void followsRedirectChainsForImageAndChecksumFile() throws Exception {
        server.stubFor(get(urlEqualTo(SUMS)).willReturn(aResponse().withStatus(301).withHeader("Location", "/r/sums")));
        server.stubFor(get(urlEqualTo("/r/sums")).willReturn(aResponse().withBody(
                Images.ubuntuSums("ubuntu-22.04-server-cloudimg-amd64.img", data))));
        server.stubFor(get(urlEqualTo(IMAGE)).willReturn(aResponse().withStatus(302).withHeader("Location", "/r/1")));
        server.stubFor(get(urlEqualTo("/r/1")).willReturn(aResponse().withStatus(307).withHeader("Location",
                base() + "/r/2")));
        server.stubFor(get(urlEqualTo("/r/2")).willReturn(aResponse().withStatus(302).withHeader("Location", "/r/final")));
        server.stubFor(get(urlEqualTo("/r/final")).willReturn(aResponse().withBody(data)));
        try (ImageCache cache = cache(Duration.ofSeconds(5), 2)) {
            LocalImage image = cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE);
            assertArrayEquals(data, Files.readAllBytes(image.file()));
        }
    }

    @Test
    void retriesServerErrorsWithinTheAttemptLimit() throws Exception {
        serveSums();
        server.stubFor(get(urlEqualTo(IMAGE)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("second").willReturn(aResponse().withStatus(503)));
        server.stubFor(get(urlEqualTo(IMAGE)).inScenario("flaky").whenScenarioStateIs("second")
                .willSetStateTo("third").willReturn(aResponse().withStatus(502)));
        server.stubFor(get(urlEqualTo(IMAGE)).inScenario("flaky").whenScenarioStateIs("third")
                .willReturn(aResponse().withBody(data)));
        try (ImageCache cache = cache(Duration.ofSeconds(5), 3)) {
            LocalImage image = cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE);
            assertArrayEquals(data, Files.readAllBytes(image.file()));
            assertEquals(3, server.findAll(getRequestedFor(urlEqualTo(IMAGE))).size());
        }
    }

    @Test
    void givesUpAfterTheAttemptLimitAndCachesNothing() throws Exception {
        serveSums();
        server.stubFor(get(urlEqualTo(IMAGE)).willReturn(aResponse().withStatus(503)));
        try (ImageCache cache = cache(Duration.ofSeconds(5), 2)) {
            ImageException e = assertThrows(ImageException.class,
                    () -> cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE));
            assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
            assertEquals(2, server.findAll(getRequestedFor(urlEqualTo(IMAGE))).size());
            try (Stream<Path> blobs = Files.list(cacheDir.resolve("blobs"))) {
                assertEquals(0, blobs.count());
            }
        }
    }

    @Test
    void slowBodyCompletesWithinTheReadTimeoutAndReportsProgress() throws Exception {
        serveSums();
        server.stubFor(get(urlEqualTo(IMAGE)).willReturn(aResponse().withBody(data).withChunkedDribbleDelay(8, 800)));
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (ImageCache cache = cache(Duration.ofSeconds(5), 1)) {
            LocalImage image = cache.fetch(cache.resolve(UBUNTU), (bytes, total, rate) -> seen.add(bytes));
            assertArrayEquals(data, Files.readAllBytes(image.file()));
            assertEquals(data.length, seen.get(seen.size() - 1));
        }
    }

    @Test
    void stalledBodyHitsTheReadTimeoutAndIsNotCached() throws Exception {
        serveSums();
        server.stubFor(get(urlEqualTo(IMAGE)).willReturn(aResponse().withBody(data).withChunkedDribbleDelay(2, 1200)));
        try (ImageCache cache = cache(Duration.ofMillis(200), 2)) {
            ImageSource source = cache.resolve(UBUNTU);
            ImageException e = assertThrows(ImageException.class, () -> cache.fetch(source, DownloadProgress.NONE));
            assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
            assertTrue(cache.cached(source).isEmpty());
        }
    }

    @Test
    void validateFallsBackToARangedGetWhenHeadIsNotAllowed() {
        server.stubFor(head(urlEqualTo(IMAGE)).willReturn(aResponse().withStatus(405)));
        server.stubFor(get(urlEqualTo(IMAGE)).willReturn(aResponse().withStatus(206).withBody(new byte[1])));
        try (ImageCache cache = cache(Duration.ofSeconds(5), 1)) {
            cache.validate(cache.resolve(UBUNTU));
            assertEquals("bytes=0-0", server.findAll(getRequestedFor(urlEqualTo(IMAGE))).get(0).getHeader("Range"));
        }
    }

    @Test
    void validateReportsAnUnreachableMirror() {
        URI closed = URI.create("http://127.0.0.1:" + server.port() + "/mirror/");
        server.stop();
        try (ImageCache cache = ImageCache.builder(cacheDir).mirror("ubuntu", closed)
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            ImageException e = assertThrows(ImageException.class, () -> cache.validate(cache.resolve(UBUNTU)));
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        }
    }
}
