package io.pveq.images.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds on blobs that span processes: a process using a blob keeps a shared OS lock on
 * {@code holds/<sha256>.hold}; eviction deletes a blob only under an exclusive lock on that file,
 * which it cannot get while any process holds the blob. A holder checks that the blob still exists
 * after its lock was granted. Hold files are empty and never deleted: deleting one could leave a
 * holder with a lock on a file nobody else opens any more.
 *
 * <p>OS file locks belong to the whole process, and closing any channel of a file drops all of the
 * process's locks on it; so every hold file this JVM opens is registered once, JVM-wide, and shared
 * by all caches on the same folder (counted), and an eviction in this JVM never touches a file this
 * JVM holds. Not thread-safe per instance (the owning {@link CacheStore} synchronises); the registry
 * is.
 */
final class BlobHolds {

    private static final Logger LOG = LoggerFactory.getLogger(BlobHolds.class);

    private static final ReentrantLock REGISTRY_LOCK = new ReentrantLock();
    private static final Condition REGISTRY_CHANGED = REGISTRY_LOCK.newCondition();
    /** Guarded by REGISTRY_LOCK: the hold files this JVM has open, by absolute path. */
    private static final Map<Path, Open> REGISTRY = new HashMap<>();

    private static final class Open {
        final FileChannel channel;
        final boolean exclusive;
        int holders;

        Open(FileChannel channel, boolean exclusive) {
            this.channel = channel;
            this.exclusive = exclusive;
        }
    }

    /** Null when the folder cannot be created (read-only cache): then only in-process pins protect blobs. */
    private final Path folder;
    private final Set<String> mine = new HashSet<>();

    /** @param folder where the hold files live (created when missing) */
    BlobHolds(Path folder) {
        Path usable;
        try {
            usable = Files.createDirectories(folder).toAbsolutePath().normalize();
        } catch (IOException e) {
            LOG.warn("image cache: cannot create {} ({}); images in use are kept from this process's eviction only",
                    folder, e.toString());
            usable = null;
        }
        this.folder = usable;
    }

    /** Takes a shared hold on {@code sha256} for this cache, waiting while an eviction of it runs. */
    void hold(String sha256) {
        if (folder == null || mine.contains(sha256)) {
            return;
        }
        Path file = file(sha256);
        REGISTRY_LOCK.lock();
        try {
            Open open;
            while ((open = REGISTRY.get(file)) != null && open.exclusive) {
                REGISTRY_CHANGED.awaitUninterruptibly();
            }
            if (open == null) {
                open = new Open(openShared(file), false);
                REGISTRY.put(file, open);
            }
            open.holders++;
            mine.add(sha256);
        } catch (IOException | OverlappingFileLockException e) {
            LOG.debug("image cache: no cross-process hold on {}: {}", sha256, e.toString());
        } finally {
            REGISTRY_LOCK.unlock();
        }
    }

    /** Ends this cache's hold on {@code sha256}; the last holder in the JVM closes the file. */
    void release(String sha256) {
        if (!mine.remove(sha256)) {
            return;
        }
        Path file = file(sha256);
        REGISTRY_LOCK.lock();
        try {
            Open open = REGISTRY.get(file);
            if (open != null && !open.exclusive && --open.holders == 0) {
                REGISTRY.remove(file);
                closeQuietly(open.channel);
                REGISTRY_CHANGED.signalAll();
            }
        } finally {
            REGISTRY_LOCK.unlock();
        }
    }

    /** Ends every hold of this cache (when it closes). */
    void releaseAll() {
        for (String sha256 : List.copyOf(mine)) {
            release(sha256);
        }
    }

    /**
     * @return an exclusive lock on {@code sha256}'s hold file when no process holds the blob; close it
     *         after deleting the blob
     */
    Optional<AutoCloseable> tryExclusive(String sha256) {
        if (folder == null) {
            return Optional.of(() -> { });
        }
        Path file = file(sha256);
        REGISTRY_LOCK.lock();
        try {
            if (REGISTRY.containsKey(file)) {
                return Optional.empty(); // held, or being evicted, by a cache of this JVM
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                // holders create the file before locking it: when it is missing (full or read-only disk)
                // nobody holds the blob, and eviction is what frees space
                return Files.exists(file) ? Optional.empty() : Optional.of(() -> { });
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                closeQuietly(channel);
                return Optional.empty();
            }
            REGISTRY.put(file, new Open(channel, true));
            return Optional.of(() -> {
                REGISTRY_LOCK.lock();
                try {
                    REGISTRY.remove(file);
                    closeQuietly(channel);
                    REGISTRY_CHANGED.signalAll();
                } finally {
                    REGISTRY_LOCK.unlock();
                }
            });
        } finally {
            REGISTRY_LOCK.unlock();
        }
    }

    /** Creates the hold file when missing, then locks it shared through a read-only channel. */
    private static FileChannel openShared(Path file) throws IOException {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException exists) {
            // the usual case
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.lock(0, Long.MAX_VALUE, true);
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private Path file(String sha256) {
        return folder.resolve(sha256 + ".hold");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
