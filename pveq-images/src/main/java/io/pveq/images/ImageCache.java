package io.pveq.images;

import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageChecksum;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.images.internal.CacheStore;
import io.pveq.images.internal.DownloadSettings;
import io.pveq.images.internal.Downloader;
import io.pveq.images.internal.ExpectedChecksum;
import io.pveq.images.internal.ImageFetcher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;

/**
 * The {@link ImageProvider} of {@code pveq-images}: resolves releases through an {@link ImageCatalog},
 * downloads images with OkHttp into a {@code .part} file while hashing them, verifies them against
 * the distribution's checksum file and keeps them in a content-addressed cache folder. The provisioner
 * puts them on nodes (an upload of the verified file, or the node's own download checked against
 * {@link #checksum}).
 *
 * <p>Guarantees: nothing unverified is ever served from the cache; concurrent fetches of one image
 * share one download; an interrupted download resumes with HTTP ranges when the server supports
 * them and restarts cleanly when it does not; a changed upstream checksum (a new {@code latest}
 * image) is noticed on the next fetch and the new image downloaded; least recently used images are
 * evicted beyond the size cap, except images held by {@link #acquire} until their {@link #release}.
 * When the checksum file cannot be read but an earlier verified image of the release is cached, that
 * image is served (and a warning logged); with nothing cached the fetch fails.
 *
 * <p>Layout of the cache folder: {@code blobs/<sha256><ext>} (verified images, named by content),
 * {@code index/<os>_<version>_<file>.properties} (catalog entry to content, upstream checksum, last
 * check), {@code parts/} (downloads in progress, with the HTTP validator used to resume them),
 * {@code holds/} (empty lock files marking images in use).
 *
 * <pre>{@code
 * try (ImageCache images = ImageCache.builder(Path.of("/var/cache/pveq/images"))
 *         .mirror("debian", URI.create("http://mirror.lan/debian-cloud/"))
 *         .maxCacheBytes(50L << 30)
 *         .build()) {
 *     ImageSource source = images.resolve(OsRelease.of("debian", "12"));
 *     LocalImage image = images.fetch(source, ImageProvider.DownloadProgress.NONE);
 * }
 * }</pre>
 *
 * Thread-safe; share one instance per cache folder. Caches in several processes may share a
 * folder (a file lock per image keeps them to one download; an image one of them has acquired is
 * never evicted by another, through shared locks on {@code holds/<sha256>.hold}), but each evicts by
 * its own size cap, so give them the same cap.
 * Every method but {@link #resolve} and {@link #supported} may block on the network or disk.
 */
public final class ImageCache implements ImageProvider {

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final ImageCatalog catalog;
    private final CacheStore store;
    private final ImageFetcher fetcher;
    private final ExecutorService ownedExecutor;
    private final ScheduledExecutorService watchdog;

    private ImageCache(Builder b) {
        ImageCatalog cat = b.catalog;
        for (var mirror : b.mirrors) {
            cat = cat.withMirror(mirror.os, mirror.base);
        }
        this.catalog = cat;
        OkHttpClient client = b.httpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .followRedirects(true)
                .followSslRedirects(true)
                .retryOnConnectionFailure(true)
                .build();
        Executor executor = b.executor;
        if (executor == null) {
            ownedExecutor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "pveq-image-hash-" + THREAD_IDS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            executor = ownedExecutor;
        } else {
            ownedExecutor = null;
        }
        this.store = new CacheStore(b.cacheDirectory, b.maxCacheBytes, b.clock);
        DownloadSettings settings = new DownloadSettings(b.maxAttempts, b.retryBackoff, 1 << 20, 8, b.fsync);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pveq-image-watchdog-" + THREAD_IDS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Downloader downloader = new Downloader(client, b.readTimeout, watchdog, settings, executor);
        long interval = b.progressInterval.toMillis();
        this.fetcher = new ImageFetcher(client, b.requestTimeout, store, downloader, b.clock, b.checksumMaxAge,
                b.maxAttempts, interval);
    }

    /**
     * @param cacheDirectory the cache folder (created when missing)
     * @return a builder with the defaults listed on each option
     */
    public static Builder builder(Path cacheDirectory) {
        return new Builder(cacheDirectory);
    }

    /** @return the catalog in use, mirrors applied */
    public ImageCatalog catalog() {
        return catalog;
    }

    @Override
    public List<OsRelease> supported() {
        return catalog.supported();
    }

    @Override
    public ImageSource resolve(OsRelease release) {
        return catalog.resolve(release);
    }

    @Override
    public void validate(ImageSource source) {
        fetcher.validate(Objects.requireNonNull(source, "source"));
    }

    @Override
    public LocalImage fetch(ImageSource source, DownloadProgress progress) {
        return fetcher.fetch(Objects.requireNonNull(source, "source"), Objects.requireNonNull(progress, "progress"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The image is pinned: eviction by this cache, and by caches of other processes on the same
     * folder, passes it over (the cache may then exceed its size cap for a while) until {@link #release}.
     */
    @Override
    public LocalImage acquire(ImageSource source, DownloadProgress progress) {
        return fetcher.acquire(Objects.requireNonNull(source, "source"), Objects.requireNonNull(progress, "progress"));
    }

    @Override
    public void release(LocalImage image) {
        fetcher.release(Objects.requireNonNull(image, "image"));
    }

    /**
     * @return the cached image for {@code source}, without any network access, if present
     */
    public Optional<LocalImage> cached(ImageSource source) {
        return fetcher.cached(Objects.requireNonNull(source, "source"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Read from the distribution's checksum file (the same read a fetch makes), so a node can download the
     * image itself and Proxmox verifies it ({@code download-url}).
     */
    @Override
    public Optional<ImageChecksum> checksum(ImageSource source) {
        ExpectedChecksum upstream = fetcher.upstreamChecksum(Objects.requireNonNull(source, "source"));
        return Optional.of(new ImageChecksum(upstream.algorithm(), upstream.hex()));
    }

    /**
     * Stops the threads this cache created (an injected executor is left alone) and lets go of images
     * still acquired, so other processes may evict them. Idempotent.
     */
    @Override
    public void close() {
        watchdog.shutdownNow();
        store.close();
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    private record Mirror(String os, URI base) {
    }

    /** Configures an {@link ImageCache}. Not thread-safe. */
    public static final class Builder {
        private final Path cacheDirectory;
        private ImageCatalog catalog = ImageCatalog.defaults();
        private final List<Mirror> mirrors = new java.util.ArrayList<>();
        private long maxCacheBytes = 40L << 30;
        private OkHttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 4;
        private Duration retryBackoff = Duration.ofSeconds(1);
        private Duration checksumMaxAge = Duration.ZERO;
        private Duration progressInterval = Duration.ofMillis(250);
        private boolean fsync = true;

        private Builder(Path cacheDirectory) {
            this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
        }

        /** @param catalog the images offered (default {@link ImageCatalog#defaults()}) */
        public Builder catalog(ImageCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog, "catalog");
            return this;
        }

        /** @param os e.g. {@code debian} @param base mirror base URL replacing the official one for {@code os} */
        public Builder mirror(String os, URI base) {
            mirrors.add(new Mirror(Objects.requireNonNull(os, "os"), Objects.requireNonNull(base, "base")));
            return this;
        }

        /** @param bytes size cap for cached images; least recently used go first beyond it (default 40 GiB) */
        public Builder maxCacheBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxCacheBytes must be positive");
            }
            this.maxCacheBytes = bytes;
            return this;
        }

        /** @param client a shared client to derive from (its pool and dispatcher are reused); default a new one */
        public Builder httpClient(OkHttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** @param clock for last-use times, checksum age and progress rates (default UTC system clock) */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param executor runs the hashing tasks (one per digest per download, for the download's
         *                 duration; each must start promptly, so use a cached pool); default an
         *                 internal daemon pool closed with the cache
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** @param timeout TCP connect limit (default 10 s) */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout longest silence while reading a response (default 30 s); for image bodies
         *                a watchdog cancels the request after this long without a byte (cheaper than
         *                a socket timeout on every read), and the download resumes on the next attempt
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** @param timeout whole-call limit for the HEAD check and checksum files (default 30 s) */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** @param attempts HTTP attempts per download or checksum file, first included (default 4) */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** @param backoff wait before the second attempt, doubled for each further one (default 1 s; zero for none) */
        public Builder retryBackoff(Duration backoff) {
            Objects.requireNonNull(backoff, "backoff");
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("retryBackoff must not be negative");
            }
            this.retryBackoff = backoff;
            return this;
        }

        /**
         * @param age how long a cached image counts as current without reading the upstream checksum
         *            file again (default zero: every fetch reads it, so a new {@code latest} image is noticed at once)
         */
        public Builder checksumMaxAge(Duration age) {
            Objects.requireNonNull(age, "age");
            if (age.isNegative()) {
                throw new IllegalArgumentException("checksumMaxAge must not be negative");
            }
            this.checksumMaxAge = age;
            return this;
        }

        /** @param interval least time between progress reports (default 250 ms) */
        public Builder progressInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            this.progressInterval = interval;
            return this;
        }

        /** @param fsync flush each downloaded image to the device before it enters the cache (default true) */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** @return the cache; creates its folders */
        public ImageCache build() {
            if (httpClient == null) {
                httpClient = new OkHttpClient();
            }
            return new ImageCache(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        }
    }
}
