package io.pveq.images.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Appends to a file while other threads hash what was written, so hashing overlaps the transfer.
 * The caller fills buffers from {@link #buffer()} and hands them to {@link #write}; each buffer is
 * written to the file on the caller's thread and then queued, without a copy, to one hashing task
 * per algorithm (SHA-256 and SHA-512 run side by side for Debian); the last task to finish a buffer
 * returns it to the pool. A bounded pool of buffers keeps memory fixed and lets a slow disk or a
 * slow hash push back on the network reader.
 *
 * <p>The digests cover exactly {@link #written()} bytes once {@link #sync()} returns. One writer
 * thread at a time; {@link #close()} stops the hashing tasks. The executor must start each task
 * promptly (a cached pool; a saturated fixed pool would stall the download).
 */
public final class HashingFileWriter implements AutoCloseable {

    /** One buffer for one hashing task: its own view (position/limit) of the pooled buffer. */
    private record Job(ByteBuffer pooled, ByteBuffer view) {
    }

    private static final Job STOP = new Job(ByteBuffer.allocate(0), ByteBuffer.allocate(0));

    private final FileChannel channel;
    private final Map<String, MessageDigest> digests = new LinkedHashMap<>();
    private final List<BlockingQueue<Job>> queues = new ArrayList<>();
    private final BlockingQueue<ByteBuffer> free;
    /** Per buffer, how many hashing tasks still have to read it. Filled once, then only read. */
    private final Map<ByteBuffer, AtomicInteger> readers = new IdentityHashMap<>();
    private final Object lock = new Object();
    private int pending;
    private Throwable hashFailure;
    private long written;
    private boolean closed;

    /**
     * Opens (creating if needed) {@code file}, positioned at byte 0, without hashing its existing
     * content: call {@link #absorbExisting()} to continue it or {@link #reset()} to start over.
     *
     * @param algorithms  digest names such as {@code SHA-256}; may be empty (no hashing)
     * @param bufferSize  bytes per buffer
     * @param bufferCount buffers in flight
     * @param executor    runs one hashing task per algorithm for the writer's lifetime
     */
    public HashingFileWriter(Path file, List<String> algorithms, int bufferSize, int bufferCount, Executor executor)
            throws IOException {
        for (String algorithm : algorithms) {
            try {
                digests.put(algorithm, MessageDigest.getInstance(algorithm));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalArgumentException("unknown digest " + algorithm, e);
            }
        }
        this.free = new ArrayBlockingQueue<>(bufferCount);
        for (int i = 0; i < bufferCount; i++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(bufferSize);
            free.add(buffer);
            readers.put(buffer, new AtomicInteger());
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        channel.position(0);
        for (MessageDigest digest : digests.values()) {
            BlockingQueue<Job> queue = new ArrayBlockingQueue<>(bufferCount + 1);
            queues.add(queue);
            executor.execute(() -> hashLoop(digest, queue));
        }
    }

    /** @return how many bytes the file holds that went through this writer (or were absorbed) */
    public long written() {
        return written;
    }

    /** @return the current size of the file on disk */
    public long fileSize() throws IOException {
        return channel.size();
    }

    /** Hashes the file's existing content and positions the writer at its end (resuming a download). */
    public void absorbExisting() throws IOException {
        long size = channel.size();
        long position = 0;
        while (position < size) {
            ByteBuffer buffer = buffer();
            int n = channel.read(buffer, position);
            if (n < 0) {
                recycle(buffer);
                break;
            }
            position += n;
            buffer.flip();
            queue(buffer);
        }
        written = position;
        channel.position(position);
        sync();
    }

    /** @return an empty buffer to fill; blocks while all buffers are in flight */
    public ByteBuffer buffer() throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a buffer");
        }
    }

    /**
     * Writes the filled part of {@code buffer} (position = bytes filled) and queues it for hashing.
     *
     * @throws LocalWriteException when the file cannot be written (the file is cut back to {@link #written()})
     */
    public void write(ByteBuffer buffer) throws IOException {
        buffer.flip();
        int length = buffer.remaining();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            recycle(buffer);
            channel.truncate(written);
            throw new LocalWriteException("cannot write the part file: " + e.getMessage(), e);
        }
        written += length;
        buffer.flip();
        queue(buffer);
    }

    /** Returns an unused buffer to the pool. */
    public void recycle(ByteBuffer buffer) {
        free.add(buffer.clear());
    }

    private void queue(ByteBuffer buffer) throws IOException {
        if (queues.isEmpty()) {
            recycle(buffer);
            return;
        }
        readers.get(buffer).set(queues.size());
        synchronized (lock) {
            pending++;
        }
        try {
            for (BlockingQueue<Job> queue : queues) {
                queue.put(new Job(buffer, buffer.duplicate()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while queueing for hashing");
        }
    }

    /** Waits until every written byte is hashed. */
    public void sync() throws IOException {
        synchronized (lock) {
            while (pending > 0 && hashFailure == null) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for hashing");
                }
            }
            if (hashFailure != null) {
                throw new IOException("hashing failed", hashFailure);
            }
        }
    }

    /** Empties the file and restarts the digests (the server sent the whole body again). */
    public void reset() throws IOException {
        sync();
        channel.truncate(0);
        channel.position(0);
        written = 0;
        digests.values().forEach(MessageDigest::reset);
    }

    /**
     * @param force flush the file to the device first
     * @return lower-case hex per algorithm, covering the whole file; the writer cannot append afterwards
     */
    public Map<String, String> finish(boolean force) throws IOException {
        sync();
        if (force) {
            channel.force(true);
        }
        Map<String, String> out = new LinkedHashMap<>();
        digests.forEach((name, digest) -> out.put(name, HexFormat.of().formatHex(digest.digest())));
        return out;
    }

    private void hashLoop(MessageDigest digest, BlockingQueue<Job> queue) {
        while (true) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                fail(e);
                return;
            }
            if (job == STOP) {
                return;
            }
            try {
                digest.update(job.view());
            } catch (RuntimeException e) {
                fail(e);
            }
            done(job.pooled());
        }
    }

    private void done(ByteBuffer pooled) {
        if (readers.get(pooled).decrementAndGet() == 0) {
            free.add(pooled.clear());
            synchronized (lock) {
                pending--;
                lock.notifyAll();
            }
        }
    }

    private void fail(Throwable e) {
        synchronized (lock) {
            hashFailure = e;
            lock.notifyAll();
        }
    }

    /** Stops the hashing tasks and closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sync();
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            queues.forEach(queue -> queue.offer(STOP));
            channel.close();
        }
    }

    /** Writing to the local file failed (disk full, I/O error): retrying the download cannot help. */
    public static final class LocalWriteException extends IOException {
        LocalWriteException(String message, IOException cause) {
            super(message, cause);
        }
    }
}
