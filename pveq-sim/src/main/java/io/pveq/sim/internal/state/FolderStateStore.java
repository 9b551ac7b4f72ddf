package io.pveq.sim.internal.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.PveqException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Keeps the state as {@code state.json} in a folder shared by several processes. Each access takes
 * an exclusive {@link java.nio.channels.FileLock} on {@code state.lock} (and a lock inside this process, since file
 * locks are held per process), reads the file, and for updates writes it back through a temporary
 * file and an atomic rename before the lock is released.
 */
public final class FolderStateStore implements StateStore {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path folder;
    private final Path stateFile;
    private final Path lockFile;
    private final ReentrantLock local = new ReentrantLock();
    private ClusterState cached;
    private long cachedStamp = -1;
    /** The state loaded by the outermost call of the thread holding {@link #local}. */
    private ClusterState current;
    private boolean dirty;
    /** An interrupt of the thread holding {@link #local}, set aside while it reads and writes the folder. */
    private boolean interruptPending;

    public FolderStateStore(Path folder) {
        this.folder = folder;
        this.stateFile = folder.resolve("state.json");
        this.lockFile = folder.resolve("state.lock");
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new PveqException("cannot create the simulator state folder " + folder + ": " + e.getMessage(), e);
        }
    }

    public Path folder() {
        return folder;
    }

    @Override
    public <T> T read(Function<ClusterState, T> reader) {
        return locked(state -> reader.apply(state), false);
    }

    @Override
    public <T> T write(Function<ClusterState, T> writer) {
        return locked(writer, true);
    }

    @Override
    public boolean initialise(ClusterState initial) {
        return this.<Boolean>lockedRaw(current -> {
            if (current != null) {
                return false;
            }
            save(initial);
            return true;
        });
    }

    private <T> T locked(Function<ClusterState, T> body, boolean save) {
        return lockedRaw(state -> {
            if (save) {
                dirty = true;
            }
            return body.apply(state);
        });
    }

    /**
     * Runs {@code body} holding the folder lock. A nested call from the same thread (a read inside an
     * update, say) reuses the state already loaded; the outermost call saves when anything wrote.
     *
     * <p>The folder stands for pmxcfs, which answers a command even while it is being cancelled: an
     * interrupt (a job cancelled, a task stopped) must not make the state unreachable, or the command's
     * cleanup (its lock released, a half-made VM removed) would fail with it. File I/O on an interrupted
     * thread closes its channel, so the interrupt is set aside while the folder is read and written, the
     * step is retried when one arrives meanwhile, and the interrupt is raised again before returning: the
     * command notices it at its next wait.
     */
    @SuppressWarnings("try")
    private <T> T lockedRaw(Function<ClusterState, T> body) {
        local.lock();
        try {
            if (local.getHoldCount() > 1) {
                return body.apply(current);
            }
            interruptPending = Thread.interrupted();
            try (FileChannel channel = acquire()) {
                current = uninterruptibly(this::load);
                dirty = false;
                try {
                    return body.apply(current);
                } finally {
                    if (dirty && current != null) {
                        save(current);
                    }
                    current = null;
                    dirty = false;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("simulator state in " + folder + ": " + e.getMessage(), e);
            } finally {
                if (interruptPending || Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                }
                interruptPending = false;
            }
        } finally {
            local.unlock();
        }
    }

    /** @return the open lock file's channel, holding the exclusive lock (released when it closes) */
    private FileChannel acquire() throws IOException {
        while (true) {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                channel.lock();
                return channel;
            } catch (FileLockInterruptionException | ClosedByInterruptException e) {
                Thread.interrupted();
                interruptPending = true;
                channel.close();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    /** Runs a file step again when an interrupt closed its channel meanwhile (see {@link #lockedRaw}). */
    private <T> T uninterruptibly(IoStep<T> step) throws IOException {
        while (true) {
            try {
                return step.run();
            } catch (ClosedByInterruptException e) {
                Thread.interrupted();
                interruptPending = true;
            }
        }
    }

    @FunctionalInterface
    private interface IoStep<T> {
        T run() throws IOException;
    }

    private ClusterState load() throws IOException {
        if (!Files.exists(stateFile)) {
            return null;
        }
        // another process may have changed the file since: parsing is skipped only for identical bytes
        byte[] bytes = Files.readAllBytes(stateFile);
        long full = java.util.Arrays.hashCode(bytes) * 31L + bytes.length;
        if (cached != null && full == cachedStamp) {
            return cached;
        }
        cached = JSON.readValue(bytes, ClusterState.class);
        cachedStamp = full;
        return cached;
    }

    private void save(ClusterState state) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(state);
            Path temp = folder.resolve("state.json.tmp");
            uninterruptibly(() -> {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    out.write(ByteBuffer.wrap(bytes));
                    out.force(false);
                }
                return null;
            });
            Files.move(temp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            cached = null;
            cachedStamp = -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save simulator state in " + folder + ": " + e.getMessage(), e);
        }
    }
}
