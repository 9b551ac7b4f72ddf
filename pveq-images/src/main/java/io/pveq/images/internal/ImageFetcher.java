package io.pveq.images.internal;

import io.pveq.core.ImageException;
import io.pveq.core.image.ImageProvider.DownloadProgress;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validate and fetch for the image cache: reads the upstream checksum file, serves a cached image
 * when its recorded upstream checksum still matches, otherwise downloads (one download per catalog
 * entry however many callers ask), verifies and stores. Thread-safe.
 */
public final class ImageFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFetcher.class);
    private static final long MAX_CHECKSUM_FILE_BYTES = 4L << 20;

    private final OkHttpClient shortCalls;
    private final CacheStore store;
    private final Downloader downloader;
    private final Clock clock;
    private final Duration checksumMaxAge;
    private final int maxAttempts;
    private final long progressIntervalMillis;
    private final SingleFlight<String, Progress, LocalImage> flights = new SingleFlight<>();

    /**
     * @param client         for image bodies (connect/read timeouts set)
     * @param requestTimeout whole-call limit for HEAD checks and checksum files
     * @param checksumMaxAge how long a cached entry counts as current without reading the checksum file again
     */
    public ImageFetcher(OkHttpClient client, Duration requestTimeout, CacheStore store, Downloader downloader,
                        Clock clock, Duration checksumMaxAge, int maxAttempts, long progressIntervalMillis) {
        this.shortCalls = client.newBuilder().callTimeout(requestTimeout).build();
        this.store = store;
        this.downloader = downloader;
        this.clock = clock;
        this.checksumMaxAge = checksumMaxAge;
        this.maxAttempts = maxAttempts;
        this.progressIntervalMillis = progressIntervalMillis;
    }

    /** @return the index key of a source: release plus image file name, safe as a file name */
    public static String key(ImageSource source) {
        String raw = source.release().os() + "_" + source.release().version() + "_" + source.fileName();
        return raw.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** @return {@code .qcow2}, {@code .img}, ... from the file name, or empty */
    public static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot);
        return ext.matches("\\.[A-Za-z0-9]{1,8}") ? ext : "";
    }

    /** @return the cached image for a source without any network access, if present */
    public Optional<LocalImage> cached(ImageSource source) {
        return store.lookup(key(source)).map(e -> hit(source, e));
    }

    /** HEAD check of the image URL (falling back to a one-byte GET); skipped when cached. */
    public void validate(ImageSource source) {
        if (store.lookup(key(source)).isPresent()) {
            return;
        }
        URI uri = source.imageUri();
        try (Response head = shortCalls.newCall(new Request.Builder().url(uri.toString()).head().build()).execute()) {
            if (head.isSuccessful()) {
                return;
            }
            if (head.code() != 405 && head.code() != 501) {
                throw new ImageException("image URL for " + source.release() + " answered HTTP " + head.code()
                        + ": " + uri);
            }
        } catch (IOException e) {
            throw new ImageException("image URL for " + source.release() + " unreachable: " + uri + " ("
                    + e.getMessage() + ")", e);
        }
        Request probe = new Request.Builder().url(uri.toString()).header("Range", "bytes=0-0").get().build();
        try (Response get = shortCalls.newCall(probe).execute()) {
            if (!get.isSuccessful()) {
                throw new ImageException("image URL for " + source.release() + " answered HTTP " + get.code()
                        + ": " + uri);
            }
        } catch (IOException e) {
            throw new ImageException("image URL for " + source.release() + " unreachable: " + uri + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /** @return the verified image, downloading it when needed; concurrent calls share one download */
    public LocalImage fetch(ImageSource source, DownloadProgress listener) {
        return flights.run(key(source), () -> new Progress(clock, progressIntervalMillis),
                progress -> progress.add(listener), progress -> fetchNow(source, progress));
    }

    /**
     * {@link #fetch}, then pins the image against eviction until {@link #release}. An image evicted by a
     * concurrent download between the fetch and the pin is fetched again (twice at most).
     */
    public LocalImage acquire(ImageSource source, DownloadProgress listener) {
        for (int attempt = 1; ; attempt++) {
            LocalImage image = fetch(source, listener);
            if (store.pinIfPresent(image.file(), image.sha256Hex())) {
                return image;
            }
            if (attempt == 3) {
                throw new ImageException("the " + source.release() + " image was evicted from the cache three times"
                        + " before it could be used: the cache's size cap is too small for the images in use at once");
            }
            LOG.info("{}: image evicted before it could be used; fetching it again", source.release());
        }
    }

    /** Ends one {@link #acquire}. */
    public void release(LocalImage image) {
        store.unpin(image.sha256Hex());
    }

    private LocalImage fetchNow(ImageSource source, Progress progress) {
        String key = key(source);
        Optional<CacheStore.Entry> cached = store.lookup(key);
        if (cached.isPresent() && !checksumMaxAge.isZero()
                && clock.instant().isBefore(cached.get().checkedAt().plus(checksumMaxAge))) {
            return use(source, cached.get());
        }
        ExpectedChecksum upstream;
        try {
            upstream = upstreamChecksum(source);
        } catch (ImageException e) {
            if (cached.isPresent()) {
                LOG.warn("{}: {}; using the cached image", source.release(), e.getMessage());
                return use(source, cached.get());
            }
            throw e;
        }
        if (cached.isPresent() && cached.get().upstream().equals(upstream)) {
            CacheStore.Entry entry = cached.get();
            store.record(new CacheStore.Entry(key, entry.imageUri(), entry.sha256(), entry.size(), entry.extension(),
                    entry.upstream(), clock.instant()));
            return use(source, entry);
        }
        if (cached.isPresent()) {
            LOG.info("{}: upstream checksum changed ({} -> {}); downloading the new image", source.release(),
                    cached.get().upstream(), upstream);
        }
        try (FolderLock lock = FolderLock.acquire(store.lockFile(key))) {
            // another cache on this folder may have finished the same download while we waited
            Optional<CacheStore.Entry> now = store.lookup(key);
            if (now.isPresent() && now.get().upstream().equals(upstream)) {
                return use(source, now.get());
            }
            return download(source, upstream, progress);
        } catch (IOException e) {
            throw new ImageException("cannot lock the image cache for " + source.release() + ": " + e.getMessage(), e);
        }
    }

    private LocalImage download(ImageSource source, ExpectedChecksum upstream, Progress progress) {
        String key = key(source);
        List<String> algorithms = upstream.algorithm().equals("SHA-256")
                ? List.of("SHA-256") : List.of("SHA-256", upstream.algorithm());
        Path part = store.partFile(key);
        Downloader.Result result = downloader.download(source.imageUri(), part, algorithms, progress);
        String actual = result.hexDigest().get(upstream.algorithm());
        if (!upstream.hex().equals(actual)) {
            discard(part);
            throw new ImageException("checksum mismatch for " + source.release() + " image " + source.imageUri()
                    + ": " + source.checksumUri() + " lists " + upstream + " but the download ("
                    + result.size() + " bytes) has " + upstream.algorithm() + ":" + actual
                    + "; the file was discarded");
        }
        String sha256 = result.hexDigest().get("SHA-256");
        CacheStore.Entry entry = new CacheStore.Entry(key, source.imageUri().toString(), sha256, result.size(),
                extension(source.fileName()), upstream, clock.instant());
        try {
            Path blob = store.commit(part, entry);
            LOG.info("{}: cached {} ({} bytes, {} attempt(s){})", source.release(), blob, result.size(),
                    result.attempts(), result.resumed() ? ", resumed" : "");
            return new LocalImage(source.release(), blob, sha256, result.size(), false);
        } catch (IOException e) {
            discard(part);
            throw new ImageException("cannot store the image for " + source.release() + ": " + e.getMessage(), e);
        }
    }

    private LocalImage use(ImageSource source, CacheStore.Entry entry) {
        Path blob = store.blob(entry.sha256(), entry.extension());
        store.touch(blob);
        return hit(source, entry);
    }

    private LocalImage hit(ImageSource source, CacheStore.Entry entry) {
        return new LocalImage(source.release(), store.blob(entry.sha256(), entry.extension()), entry.sha256(),
                entry.size(), true);
    }

    private static void discard(Path part) {
        try {
            Files.deleteIfExists(part);
            Files.deleteIfExists(part.resolveSibling(part.getFileName() + ".validator"));
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", part, e.toString());
        }
    }

    /** @return the checksum the distribution lists for the source's file */
    public ExpectedChecksum upstreamChecksum(ImageSource source) {
        URI uri = source.checksumUri();
        IOException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Request request = new Request.Builder().url(uri.toString()).header("Cache-Control", "no-cache").get().build();
            try (Response response = shortCalls.newCall(request).execute()) {
                int code = response.code();
                if (code >= 500 || code == 429 || code == 408) {
                    last = new IOException("HTTP " + code);
                    continue;
                }
                if (!response.isSuccessful()) {
                    throw new ImageException("checksum file for " + source.release() + " answered HTTP " + code
                            + ": " + uri);
                }
                ChecksumFile file = ChecksumFile.parse(readLimited(response.body(), uri));
                return file.find(source.fileName()).orElseThrow(() -> new ImageException("checksum file " + uri
                        + " does not list " + source.fileName() + " (" + source.release() + ")"));
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new ImageException("interrupted while reading " + uri, e);
                }
                last = e;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new ImageException("checksum file for " + source.release() + " unreachable: " + uri + " ("
                + (last == null ? "no answer" : last.getMessage()) + ")", last);
    }

    private static String readLimited(ResponseBody body, URI uri) throws IOException {
        if (body == null) {
            return "";
        }
        BufferedSource source = body.source();
        if (!source.request(MAX_CHECKSUM_FILE_BYTES + 1)) {
            return source.readString(StandardCharsets.UTF_8);
        }
        throw new ImageException("checksum file " + uri + " is larger than " + MAX_CHECKSUM_FILE_BYTES + " bytes");
    }
}
