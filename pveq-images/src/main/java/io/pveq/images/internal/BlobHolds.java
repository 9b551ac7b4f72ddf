package io.pveq.images.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds on blobs that span processes: a process using a blob keeps a shared OS lock on
 * {@code holds/<sha256>.hold}; eviction deletes a blob only under an exclusive lock on that file,
 * which it cannot get while any process holds the blob. A holder checks that the blob still exists
 * after its lock was granted. Hold files are empty and never deleted: deleting one could leave a
 * holder with a lock on a file nobody else opens any more. One shared lock per blob per process;
 * {@link CacheStore} counts its users. Not thread-safe: the caller synchronises.
 */
final class BlobHolds {

    private static final Logger LOG = LoggerFactory.getLogger(BlobHolds.class);

    private final Path folder;
    private final Map<String, FileChannel> held = new HashMap<>();

    /** @param folder where the hold files live (created when missing) */
    BlobHolds(Path folder) throws IOException {
        this.folder = Files.createDirectories(folder);
    }

    /** Takes this process's shared hold on {@code sha256}, waiting while another process evicts it. */
    void hold(String sha256) {
        if (held.containsKey(sha256)) {
            return;
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file(sha256), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            channel.lock(0, Long.MAX_VALUE, true);
            held.put(sha256, channel);
        } catch (IOException | OverlappingFileLockException e) {
            // another cache instance of this JVM on the same folder holds it, or the folder is read-only:
            // the in-process pin still protects it from this cache's own eviction
            LOG.debug("image cache: no cross-process hold on {}: {}", sha256, e.toString());
            closeQuietly(channel);
        }
    }

    /** Ends this process's hold on {@code sha256}. */
    void release(String sha256) {
        closeQuietly(held.remove(sha256)); // closing the channel releases its lock
    }

    /**
     * @return an exclusive lock on {@code sha256}'s hold file when no process holds the blob; close it
     *         after deleting the blob
     */
    Optional<AutoCloseable> tryExclusive(String sha256) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file(sha256), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                closeQuietly(channel);
                return Optional.empty();
            }
            FileChannel open = channel;
            return Optional.of(open::close);
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(channel);
            return Optional.empty();
        }
    }

    private Path file(String sha256) {
        return folder.resolve(sha256 + ".hold");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
