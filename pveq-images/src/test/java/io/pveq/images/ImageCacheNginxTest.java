package io.pveq.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.ImageException;
import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageProvider.DownloadProgress;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.images.testing.CutProxy;
import io.pveq.images.testing.Images;
import io.pveq.images.testing.MutableClock;
import io.pveq.images.testing.NginxServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The cache against a real nginx on loopback (Range/If-Range as real servers do them), faults via a cutting proxy. */
class ImageCacheNginxTest {

    private static final OsRelease UBUNTU = OsRelease.of("ubuntu", "24.04");
    private static final OsRelease DEBIAN = OsRelease.of("debian", "12");
    private static final OsRelease ROCKY = OsRelease.of("rockylinux", "9");
    private static final int MIB = 1 << 20;

    @TempDir
    static Path shared;
    private static NginxServer nginx;

    @TempDir
    Path cacheDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T00:00:00Z"));

    @BeforeAll
    static void startNginx() throws Exception {
        nginx = NginxServer.start(shared.resolve("nginx"));
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    /** A cache whose three distributions are mirrored at {@code base/<prefix>/<os>/}. */
    private ImageCache cache(URI base, String prefix, int maxAttempts, long maxBytes) {
        ImageCache.Builder builder = ImageCache.builder(cacheDir)
                .clock(clock)
                .maxAttempts(maxAttempts)
                .retryBackoff(Duration.ZERO)
                .readTimeout(Duration.ofSeconds(5))
                .fsync(false)
                .maxCacheBytes(maxBytes);
        for (String os : List.of("debian", "ubuntu", "rockylinux")) {
            builder.mirror(os, base.resolve(prefix + "/" + os + "/"));
        }
        return builder.build();
    }

    private ImageCache cache(String prefix) {
        return cache(nginx.base(), prefix, 3, 1L << 30);
    }

    /** Publishes {@code data} as the release's image (and checksum file) under {@code prefix}. */
    private static void publish(String prefix, OsRelease release, byte[] data, byte[] checksummed) throws IOException {
        CatalogEntry entry = ImageCatalog.defaults().find(release, "amd64").orElseThrow();
        Path root = nginx.root().resolve(prefix).resolve(release.os());
        String name = entry.fileName();
        String sums = switch (entry.checksumFileName()) {
            case "SHA512SUMS" -> Images.debianSums(name, checksummed);
            case "SHA256SUMS" -> Images.ubuntuSums(name, checksummed);
            default -> Images.rockyChecksum(name, checksummed);
        };
        Images.write(root, entry.imagePath(), data);
        String folder = entry.imagePath().substring(0, entry.imagePath().lastIndexOf('/') + 1);
        Images.write(root, folder + entry.checksumFileName(), sums);
    }

    private static void publish(String prefix, OsRelease release, byte[] data) throws IOException {
        publish(prefix, release, data, data);
    }

    private static String prefix(TestInfo info) {
        return info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void downloadsVerifiesStoresByContentThenServesCacheHits(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(3 * MIB + 17, 1);
        publish(prefix, UBUNTU, data);
        try (ImageCache cache = cache(prefix)) {
            ImageSource source = cache.resolve(UBUNTU);
            List<Long> progress = new ArrayList<>();
            LocalImage first = cache.fetch(source, (bytes, total, rate) -> progress.add(bytes));
            assertFalse(first.cacheHit());
            assertEquals(Images.hex("SHA-256", data), first.sha256Hex());
            assertEquals(first.sha256Hex() + ".img", first.file().getFileName().toString());
            assertArrayEquals(data, Files.readAllBytes(first.file()));
            assertEquals(data.length, first.sizeBytes());
            assertEquals(List.of((long) data.length), progress.subList(progress.size() - 1, progress.size()));

            LocalImage second = cache.fetch(source, DownloadProgress.NONE);
            assertTrue(second.cacheHit());
            assertEquals(first.file(), second.file());
            assertEquals(1, nginx.gets(prefix + "/ubuntu/releases/24.04/release/" + source.fileName()).size());
            assertEquals(2, nginx.gets(prefix + "/ubuntu/releases/24.04/release/SHA256SUMS").size());
        }
    }

    @Test
    void verifiesDebianSha512SumsAndRockyBsdChecksum(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] debian = Images.bytes(MIB + 5, 2);
        byte[] rocky = Images.bytes(MIB + 9, 3);
        publish(prefix, DEBIAN, debian);
        publish(prefix, ROCKY, rocky);
        try (ImageCache cache = cache(prefix)) {
            LocalImage d = cache.fetch(cache.resolve(DEBIAN), DownloadProgress.NONE);
            LocalImage r = cache.fetch(cache.resolve(ROCKY), DownloadProgress.NONE);
            assertEquals(Images.hex("SHA-256", debian), d.sha256Hex());
            assertTrue(d.file().toString().endsWith(".qcow2"));
            assertArrayEquals(rocky, Files.readAllBytes(r.file()));
        }
    }

    @Test
    void resumesWithRangeAfterTheConnectionIsCutMidBody(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(4 * MIB, 4);
        publish(prefix, UBUNTU, data);
        try (CutProxy proxy = new CutProxy(nginx.port()); ImageCache cache = cache(proxy.base(), prefix, 3, 1L << 30)) {
            proxy.cutNext(1, MIB + 1000);
            LocalImage image = cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE);
            assertArrayEquals(data, Files.readAllBytes(image.file()));
            List<String> gets = nginx.gets(prefix + "/ubuntu/releases/24.04/release/" + cache.resolve(UBUNTU).fileName());
            assertEquals(2, gets.size(), gets.toString());
            assertTrue(gets.get(1).matches("GET \\S+ 206 \"bytes=[1-9][0-9]*-\""), gets.toString());
        }
    }

    @Test
    void silentServerIsCancelledByTheStallWatchdogAndTheDownloadResumes(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(4 * MIB, 22);
        publish(prefix, UBUNTU, data);
        try (CutProxy proxy = new CutProxy(nginx.port());
             ImageCache cache = ImageCache.builder(cacheDir).fsync(false).retryBackoff(Duration.ZERO).maxAttempts(2)
                     .readTimeout(Duration.ofMillis(300))
                     .mirror("ubuntu", proxy.base().resolve(prefix + "/ubuntu/")).build()) {
            proxy.stallNext(1, 2 * MIB);
            LocalImage image = cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE);
            assertArrayEquals(data, Files.readAllBytes(image.file()));
            List<String> gets = nginx.gets(prefix + "/ubuntu/releases/24.04/release/" + cache.resolve(UBUNTU).fileName());
            assertEquals(2, gets.size(), gets.toString());
            assertTrue(gets.get(1).matches("GET \\S+ 206 \"bytes=[1-9][0-9]*-\""), gets.toString());
        }
    }

    @Test
    void restartsFromByteZeroWhenTheServerIgnoresRange(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(3 * MIB, 5);
        publish(prefix, UBUNTU, data);
        try (CutProxy proxy = new CutProxy(nginx.port());
             ImageCache cache = cache(proxy.base().resolve("norange/"), prefix, 3, 1L << 30)) {
            proxy.cutNext(1, MIB + 1000);
            LocalImage image = cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE);
            assertArrayEquals(data, Files.readAllBytes(image.file()));
            List<String> gets = nginx.gets(prefix + "/ubuntu/releases/24.04/release/" + cache.resolve(UBUNTU).fileName());
            assertEquals(2, gets.size(), gets.toString());
            assertTrue(gets.get(1).matches("GET \\S+ 200 \"bytes=[1-9][0-9]*-\""), gets.toString());
        }
    }

    @Test
    void truncatedDownloadIsNeverACacheHitAndResumesOnTheNextFetch(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(3 * MIB, 6);
        publish(prefix, UBUNTU, data);
        try (CutProxy proxy = new CutProxy(nginx.port()); ImageCache cache = cache(proxy.base(), prefix, 1, 1L << 30)) {
            ImageSource source = cache.resolve(UBUNTU);
            proxy.cutNext(1, 2 * MIB);
            ImageException failure = assertThrows(ImageException.class, () -> cache.fetch(source, DownloadProgress.NONE));
            assertTrue(failure.getMessage().contains("failed after 1 attempts"), failure.getMessage());
            assertTrue(cache.cached(source).isEmpty());
            assertEquals(0, blobCount());

            LocalImage image = cache.fetch(source, DownloadProgress.NONE);
            assertFalse(image.cacheHit());
            assertArrayEquals(data, Files.readAllBytes(image.file()));
            List<String> gets = nginx.gets(prefix + "/ubuntu/releases/24.04/release/" + source.fileName());
            assertTrue(gets.get(gets.size() - 1).contains(" 206 "), gets.toString());
        }
    }

    @Test
    void partFileOfAnOlderImageIsNotResumedOntoANewOne(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] v1 = Images.bytes(3 * MIB, 17);
        byte[] v2 = Images.bytes(3 * MIB + 1, 18); // nginx's ETag is mtime-size: another size, another ETag
        publish(prefix, UBUNTU, v1);
        try (CutProxy proxy = new CutProxy(nginx.port()); ImageCache cache = cache(proxy.base(), prefix, 1, 1L << 30)) {
            ImageSource source = cache.resolve(UBUNTU);
            proxy.cutNext(1, 2 * MIB);
            assertThrows(ImageException.class, () -> cache.fetch(source, DownloadProgress.NONE));
            publish(prefix, UBUNTU, v2);
            LocalImage image = cache.fetch(source, DownloadProgress.NONE);
            assertArrayEquals(v2, Files.readAllBytes(image.file()));
            List<String> gets = nginx.gets(prefix + "/ubuntu/releases/24.04/release/" + source.fileName());
            assertTrue(gets.get(gets.size() - 1).matches("GET \\S+ 200 \"bytes=[1-9][0-9]*-\""), gets.toString());
        }
    }

    @Test
    void wrongChecksumIsRejectedAndNothingIsKept(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(2 * MIB, 7);
        publish(prefix, DEBIAN, data, Images.bytes(2 * MIB, 8));
        try (ImageCache cache = cache(prefix)) {
            ImageSource source = cache.resolve(DEBIAN);
            for (int round = 0; round < 2; round++) {
                ImageException e = assertThrows(ImageException.class, () -> cache.fetch(source, DownloadProgress.NONE));
                assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
                assertTrue(e.getMessage().contains("SHA-512"), e.getMessage());
            }
            assertTrue(cache.cached(source).isEmpty());
            assertEquals(0, blobCount());
            try (Stream<Path> parts = Files.list(cacheDir.resolve("parts"))) {
                assertEquals(0, parts.filter(p -> !p.toString().endsWith(".lock")).count());
            }
            assertEquals(2, nginx.gets(prefix + "/debian/" + "images/cloud/bookworm/latest/" + source.fileName()).size());
        }
    }

    @Test
    void sixteenConcurrentFetchesOfAnUncachedImageMakeOneDownload(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(8 * MIB, 9);
        publish(prefix, ROCKY, data);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (ImageCache cache = cache(prefix)) {
            ImageSource source = cache.resolve(ROCKY);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger progressCalls = new AtomicInteger();
            List<Future<LocalImage>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.fetch(source, (b, t, r) -> progressCalls.incrementAndGet());
                }));
            }
            start.countDown();
            for (Future<LocalImage> result : results) {
                assertEquals(Images.hex("SHA-256", data), result.get().sha256Hex());
            }
            assertEquals(1, nginx.gets(prefix + "/rockylinux/pub/rocky/9/images/x86_64/" + source.fileName()).size());
            assertTrue(progressCalls.get() > 0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoCachesSharingAFolderDownloadOnce(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(8 * MIB, 20);
        publish(prefix, DEBIAN, data);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ImageCache one = cache(prefix); ImageCache two = cache(prefix)) {
            CountDownLatch start = new CountDownLatch(1);
            Future<LocalImage> a = pool.submit(() -> {
                start.await();
                return one.fetch(one.resolve(DEBIAN), DownloadProgress.NONE);
            });
            Future<LocalImage> b = pool.submit(() -> {
                start.await();
                return two.fetch(two.resolve(DEBIAN), DownloadProgress.NONE);
            });
            start.countDown();
            assertEquals(a.get().file(), b.get().file());
            assertArrayEquals(data, Files.readAllBytes(a.get().file()));
            assertEquals(1, nginx.gets(prefix + "/debian/images/cloud/bookworm/latest/"
                    + one.resolve(DEBIAN).fileName()).size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void newUpstreamChecksumForLatestFetchesTheNewImage(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] v1 = Images.bytes(MIB, 10);
        byte[] v2 = Images.bytes(MIB + 1, 11);
        publish(prefix, ROCKY, v1);
        try (ImageCache cache = cache(prefix)) {
            ImageSource source = cache.resolve(ROCKY);
            LocalImage old = cache.fetch(source, DownloadProgress.NONE);
            publish(prefix, ROCKY, v2);
            LocalImage fresh = cache.fetch(source, DownloadProgress.NONE);
            assertFalse(fresh.cacheHit());
            assertNotEquals(old.sha256Hex(), fresh.sha256Hex());
            assertArrayEquals(v2, Files.readAllBytes(fresh.file()));
            assertTrue(cache.fetch(source, DownloadProgress.NONE).cacheHit());
        }
    }

    @Test
    void checksumMaxAgeSkipsTheChecksumFileUntilItExpires(TestInfo info) throws Exception {
        String prefix = prefix(info);
        publish(prefix, UBUNTU, Images.bytes(MIB, 19));
        try (ImageCache cache = ImageCache.builder(cacheDir).clock(clock).fsync(false)
                .checksumMaxAge(Duration.ofMinutes(10))
                .mirror("ubuntu", nginx.base().resolve(prefix + "/ubuntu/")).build()) {
            ImageSource source = cache.resolve(UBUNTU);
            String sums = prefix + "/ubuntu/releases/24.04/release/SHA256SUMS";
            cache.fetch(source, DownloadProgress.NONE);
            clock.advance(Duration.ofMinutes(9));
            assertTrue(cache.fetch(source, DownloadProgress.NONE).cacheHit());
            assertEquals(1, nginx.gets(sums).size());
            clock.advance(Duration.ofMinutes(2));
            assertTrue(cache.fetch(source, DownloadProgress.NONE).cacheHit());
            assertEquals(2, nginx.gets(sums).size());
        }
    }

    @Test
    void cachedImageServesWhenTheChecksumFileIsUnreachable(TestInfo info) throws Exception {
        String prefix = prefix(info);
        byte[] data = Images.bytes(MIB, 12);
        publish(prefix, UBUNTU, data);
        try (ImageCache cache = cache(prefix)) {
            ImageSource source = cache.resolve(UBUNTU);
            cache.fetch(source, DownloadProgress.NONE);
            Files.delete(nginx.root().resolve(prefix + "/ubuntu/releases/24.04/release/SHA256SUMS"));
            assertTrue(cache.fetch(source, DownloadProgress.NONE).cacheHit());
        }
    }

    @Test
    void evictsTheLeastRecentlyUsedImageBeyondTheCap(TestInfo info) throws Exception {
        String prefix = prefix(info);
        publish(prefix, DEBIAN, Images.bytes(MIB, 13));
        publish(prefix, UBUNTU, Images.bytes(MIB, 14));
        publish(prefix, ROCKY, Images.bytes(MIB, 15));
        try (ImageCache cache = cache(nginx.base(), prefix, 3, 5L * MIB / 2)) {
            cache.fetch(cache.resolve(DEBIAN), DownloadProgress.NONE);
            clock.advance(Duration.ofMinutes(1));
            cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE);
            clock.advance(Duration.ofMinutes(1));
            assertTrue(cache.fetch(cache.resolve(DEBIAN), DownloadProgress.NONE).cacheHit());
            clock.advance(Duration.ofMinutes(1));
            cache.fetch(cache.resolve(ROCKY), DownloadProgress.NONE);
            assertTrue(cache.cached(cache.resolve(UBUNTU)).isEmpty(), "least recently used is evicted");
            assertTrue(cache.cached(cache.resolve(DEBIAN)).isPresent());
            assertTrue(cache.cached(cache.resolve(ROCKY)).isPresent());
            assertEquals(2, blobCount());
        }
    }

    @Test
    void anAcquiredImageIsNotEvictedUntilItIsReleased(TestInfo info) throws Exception {
        String prefix = prefix(info);
        publish(prefix, DEBIAN, Images.bytes(MIB, 23));
        publish(prefix, UBUNTU, Images.bytes(MIB, 24));
        publish(prefix, ROCKY, Images.bytes(MIB, 25));
        try (ImageCache cache = cache(nginx.base(), prefix, 3, 3L * MIB / 2)) {
            LocalImage debian = cache.acquire(cache.resolve(DEBIAN), DownloadProgress.NONE); // a node imports it now
            clock.advance(Duration.ofMinutes(1));
            cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE); // over the cap; Debian is the oldest
            assertTrue(Files.isRegularFile(debian.file()), "a held image survives eviction");
            assertTrue(cache.cached(cache.resolve(DEBIAN)).isPresent());

            cache.release(debian);
            clock.advance(Duration.ofMinutes(1));
            cache.fetch(cache.resolve(ROCKY), DownloadProgress.NONE);
            assertFalse(Files.exists(debian.file()), "released, it is evicted like any other");
            assertTrue(cache.cached(cache.resolve(ROCKY)).isPresent());
            assertEquals(1, blobCount());
        }
    }

    @Test
    void acquiringTwiceNeedsTwoReleases(TestInfo info) throws Exception {
        String prefix = prefix(info);
        publish(prefix, DEBIAN, Images.bytes(MIB, 26));
        publish(prefix, UBUNTU, Images.bytes(MIB, 27));
        publish(prefix, ROCKY, Images.bytes(MIB, 28));
        try (ImageCache cache = cache(nginx.base(), prefix, 3, 3L * MIB / 2)) {
            LocalImage first = cache.acquire(cache.resolve(DEBIAN), DownloadProgress.NONE);
            LocalImage second = cache.acquire(cache.resolve(DEBIAN), DownloadProgress.NONE); // two installs of one release
            assertTrue(second.cacheHit());
            cache.release(first);
            clock.advance(Duration.ofMinutes(1));
            cache.fetch(cache.resolve(UBUNTU), DownloadProgress.NONE);
            assertTrue(Files.isRegularFile(second.file()), "still held by the second install");
            cache.release(second);
            clock.advance(Duration.ofMinutes(1));
            cache.fetch(cache.resolve(ROCKY), DownloadProgress.NONE);
            assertFalse(Files.exists(second.file()));
        }
    }

    @Test
    void validateChecksTheUrlWithHeadAndSkipsWhenCached(TestInfo info) throws Exception {
        String prefix = prefix(info);
        publish(prefix, DEBIAN, Images.bytes(MIB, 16));
        try (ImageCache cache = cache(prefix)) {
            ImageSource debian = cache.resolve(DEBIAN);
            cache.validate(debian);
            ImageException missing = assertThrows(ImageException.class, () -> cache.validate(cache.resolve(UBUNTU)));
            assertTrue(missing.getMessage().contains("HTTP 404"), missing.getMessage());
            cache.fetch(debian, DownloadProgress.NONE);
            long heads = nginx.accessLog().stream().filter(l -> l.startsWith("HEAD /" + prefix)).count();
            cache.validate(debian);
            assertEquals(heads, nginx.accessLog().stream().filter(l -> l.startsWith("HEAD /" + prefix)).count());
        }
    }

    private long blobCount() throws IOException {
        try (Stream<Path> blobs = Files.list(cacheDir.resolve("blobs"))) {
            return blobs.count();
        }
    }
}
