package io.pveq.images.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk cache: verified images stored by content ({@code blobs/<sha256><ext>}), an index
 * from catalog entry to content ({@code index/<key>.properties}) and the part files of downloads
 * in progress ({@code parts/}). Blobs enter only by an atomic rename after verification, so a blob
 * file is always complete and correct. A blob's modification time records its last use; when the
 * blobs together exceed the size cap the least recently used go first, never one pinned by this
 * process or held by another process sharing the folder ({@link BlobHolds}). Thread-safe.
 */
public final class CacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(CacheStore.class);

    private final Path blobs;
    private final Path index;
    private final Path parts;
    private final long maxBytes;
    private final Clock clock;
    /** Guarded by this. In-process pins by content key, counted; the first also takes a cross-process hold. */
    private final Map<String, Integer> pinned = new HashMap<>();
    private final BlobHolds holds;

    /**
     * What the index says about one catalog entry.
     *
     * @param key               the entry key
     * @param imageUri          the URL it was downloaded from
     * @param sha256            content key
     * @param size              bytes
     * @param extension         file extension of the blob, with dot, or empty
     * @param upstream          the checksum the upstream published when it was downloaded
     * @param checkedAt         when the upstream checksum was last compared
     */
    public record Entry(String key, String imageUri, String sha256, long size, String extension,
                        ExpectedChecksum upstream, Instant checkedAt) {
    }

    /**
     * @param root     the cache folder (created when missing)
     * @param maxBytes size cap for the blobs together
     * @param clock    records last use
     */
    public CacheStore(Path root, long maxBytes, Clock clock) {
        this.blobs = root.resolve("blobs");
        this.index = root.resolve("index");
        this.parts = root.resolve("parts");
        this.maxBytes = maxBytes;
        this.clock = clock;
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(index);
            Files.createDirectories(parts);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create image cache folders under " + root, e);
        }
        this.holds = new BlobHolds(root.resolve("holds"));
    }

    /** @return the part file a download for {@code key} writes to */
    public Path partFile(String key) {
        return parts.resolve(key + ".part");
    }

    /** @return the lock file guarding downloads for {@code key} */
    public Path lockFile(String key) {
        return parts.resolve(key + ".lock");
    }

    /** @return the blob path for content {@code sha256} with {@code extension} */
    public Path blob(String sha256, String extension) {
        return blobs.resolve(sha256 + extension);
    }

    /** @return the index entry for {@code key} when its blob is present with the recorded size */
    public Optional<Entry> lookup(String key) {
        Path file = index.resolve(key + ".properties");
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
            Entry entry = new Entry(key, p.getProperty("imageUri"), p.getProperty("sha256"),
                    Long.parseLong(p.getProperty("size")), p.getProperty("extension", ""),
                    new ExpectedChecksum(p.getProperty("upstreamAlgorithm"), p.getProperty("upstreamHex")),
                    Instant.ofEpochMilli(Long.parseLong(p.getProperty("checkedAt"))));
            Path blob = blob(entry.sha256(), entry.extension());
            if (!Files.isRegularFile(blob) || Files.size(blob) != entry.size()) {
                LOG.info("image cache: blob for {} missing or damaged; treating as not cached", key);
                return Optional.empty();
            }
            return Optional.of(entry);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("image cache: unreadable index entry {}; ignoring it: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** Writes the index entry atomically. */
    public void record(Entry entry) {
        Properties p = new Properties();
        p.setProperty("imageUri", entry.imageUri());
        p.setProperty("sha256", entry.sha256());
        p.setProperty("size", Long.toString(entry.size()));
        p.setProperty("extension", entry.extension());
        p.setProperty("upstreamAlgorithm", entry.upstream().algorithm());
        p.setProperty("upstreamHex", entry.upstream().hex());
        p.setProperty("checkedAt", Long.toString(entry.checkedAt().toEpochMilli()));
        Path target = index.resolve(entry.key() + ".properties");
        Path tmp = index.resolve(entry.key() + ".properties.tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(writer, "pveq image cache entry");
            }
            move(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write image cache index " + target, e);
        }
    }

    /**
     * Moves a verified part file into the store (or drops it when the content is already there),
     * records the index entry, marks the blob used and evicts others when over the cap.
     *
     * @return the blob path
     */
    public Path commit(Path part, Entry entry) throws IOException {
        Path blob = blob(entry.sha256(), entry.extension());
        pin(entry.sha256());
        try {
            if (Files.isRegularFile(blob) && Files.size(blob) == entry.size()) {
                Files.delete(part);
            } else {
                move(part, blob);
            }
            Files.deleteIfExists(part.resolveSibling(part.getFileName() + ".validator"));
            record(entry);
            touch(blob);
            try {
                evict();
            } catch (IOException e) {
                // the image is stored; an eviction that failed only leaves the cache over its cap for now
                LOG.warn("image cache: eviction failed: {}", e.toString());
            }
        } finally {
            unpin(entry.sha256());
        }
        return blob;
    }

    /** Marks a blob as used now. */
    public void touch(Path blob) {
        try {
            Files.setLastModifiedTime(blob, FileTime.from(clock.instant()));
        } catch (IOException e) {
            LOG.debug("cannot touch {}: {}", blob, e.toString());
        }
    }

    /**
     * Keeps {@code sha256} from eviction until the matching {@link #unpin}, by this cache and by caches
     * of other processes on the same folder; pins are counted. May wait while another process evicts it.
     */
    public synchronized void pin(String sha256) {
        if (pinned.merge(sha256, 1, Integer::sum) == 1) {
            holds.hold(sha256);
        }
    }

    /**
     * Pins {@code sha256} when its blob is still in the store. The pin is taken before the check (under
     * this cache's eviction lock and the cross-process hold), so a blob found present here stays until
     * unpinned.
     *
     * @return false (and nothing pinned) when the blob is gone
     */
    public synchronized boolean pinIfPresent(Path blob, String sha256) {
        pin(sha256);
        if (!Files.isRegularFile(blob)) {
            unpin(sha256);
            return false;
        }
        return true;
    }

    /** Ends one {@link #pin}. */
    public synchronized void unpin(String sha256) {
        Integer left = pinned.computeIfPresent(sha256, (key, count) -> count <= 1 ? null : count - 1);
        if (left == null) {
            holds.release(sha256);
        }
    }

    /** @return total bytes of the stored blobs */
    public long usedBytes() throws IOException {
        long total = 0;
        for (Path blob : listBlobs()) {
            total += Files.size(blob);
        }
        return total;
    }

    /** A blob as eviction saw it: size and last use read once, since other processes may change them. */
    private record Seen(Path path, String sha, long size, FileTime lastUsed) {
    }

    /** Deletes least recently used blobs (and their index entries) until the blobs fit the cap. */
    public synchronized void evict() throws IOException {
        List<Seen> all = new ArrayList<>();
        long total = 0;
        for (Path blob : listBlobs()) {
            long size = sizeOf(blob);
            if (size >= 0) {
                String name = blob.getFileName().toString();
                all.add(new Seen(blob, name.length() >= 64 ? name.substring(0, 64) : name, size, lastUsed(blob)));
                total += size;
            }
        }
        if (total <= maxBytes) {
            return;
        }
        all.sort(Comparator.comparing(Seen::lastUsed));
        List<String> gone = new ArrayList<>();
        for (Seen blob : all) {
            if (total <= maxBytes) {
                break;
            }
            if (pinned.containsKey(blob.sha())) {
                continue;
            }
            Optional<AutoCloseable> exclusive = holds.tryExclusive(blob.sha());
            if (exclusive.isEmpty()) {
                LOG.debug("image cache: {} is in use by another process; not evicted", blob.path().getFileName());
                continue;
            }
            try (AutoCloseable lock = exclusive.get()) {
                if (!Files.deleteIfExists(blob.path())) {
                    total -= blob.size(); // another process evicted it meanwhile
                    continue;
                }
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
            total -= blob.size();
            gone.add(blob.sha());
            LOG.info("image cache: evicted {} ({} bytes, least recently used)", blob.path().getFileName(), blob.size());
        }
        if (!gone.isEmpty()) {
            dropIndexEntriesFor(gone);
        }
    }

    private void dropIndexEntriesFor(List<String> shas) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(index, "*.properties")) {
            for (Path file : files) {
                Properties p = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(reader);
                } catch (NoSuchFileException removed) {
                    continue; // another process dropped it meanwhile
                }
                if (shas.contains(p.getProperty("sha256"))) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private List<Path> listBlobs() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(blobs)) {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    out.add(file);
                }
            }
        }
        return out;
    }

    /** @return the size of {@code blob}, or -1 when it is gone (another process may evict concurrently) */
    private static long sizeOf(Path blob) throws IOException {
        try {
            return Files.size(blob);
        } catch (NoSuchFileException gone) {
            return -1;
        }
    }

    /** Ends this cache's holds on blobs (pins are forgotten); other processes may evict them afterwards. */
    public synchronized void close() {
        holds.releaseAll();
        pinned.clear();
    }

    private static FileTime lastUsed(Path blob) {
        try {
            return Files.getLastModifiedTime(blob);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
