package io.pveq.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.ImageException;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageProvider.DownloadProgress;
import io.pveq.core.image.ImageTarget;
import io.pveq.core.image.LocalImage;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.LocalCommandTransport;
import io.pveq.core.transport.TransportException;
import io.pveq.images.testing.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placement on nodes. A "remote" node is this machine reached through {@link LocalCommandTransport}
 * (so {@code stat} really runs) with a folder of the temp dir as its image folder, and a file
 * transfer that copies locally with the contract's checks (temp name, SHA-256, rename).
 */
class NodePlacementTest {

    private static final OsRelease DEBIAN = OsRelease.of("debian", "12");

    @TempDir
    Path dir;
    private ImageCache cache;
    private LocalImage image;
    private final byte[] data = Images.bytes(300_000, 31);
    private final LocalCommandTransport local = LocalCommandTransport.create();
    private final CopyingTransfer transfer = new CopyingTransfer();

    @BeforeEach
    void setUp() throws IOException {
        Path nodeFolder = dir.resolve("node/var/lib/pveq/images");
        cache = ImageCache.builder(dir.resolve("cache")).nodeImageDirectory(nodeFolder.toString()).build();
        String sha = Images.hex("SHA-256", data);
        Path blob = Files.createDirectories(dir.resolve("cache/blobs")).resolve(sha + ".qcow2");
        Files.write(blob, data);
        image = new LocalImage(DEBIAN, blob, sha, data.length, true);
    }

    @AfterEach
    void tearDown() {
        cache.close();
        local.close();
    }

    private ImageTarget remote(Optional<FileTransfer> files) {
        return new ImageTarget(NodeName.of("pve2"), false, local, files);
    }

    @Test
    void localNodeUsesTheCachedFileItself() {
        String path = cache.place(image, new ImageTarget(NodeName.of("pve1"), true, local, Optional.empty()),
                DownloadProgress.NONE);
        assertEquals(image.file().toAbsolutePath().toString(), path);
        assertEquals(0, transfer.uploads.get());
    }

    @Test
    void remoteNodeGetsAnUploadKeyedByChecksumOnlyOnce() throws Exception {
        List<Long> progress = new ArrayList<>();
        String path = cache.place(image, remote(Optional.of(transfer)), (b, t, r) -> progress.add(b));
        assertEquals(dir.resolve("node/var/lib/pveq/images/" + image.sha256Hex() + ".qcow2").toString(), path);
        assertArrayEquals(data, Files.readAllBytes(Path.of(path)));
        assertEquals((long) data.length, progress.get(progress.size() - 1));

        assertEquals(path, cache.place(image, remote(Optional.of(transfer)), DownloadProgress.NONE));
        assertEquals(1, transfer.uploads.get(), "second placement finds the file and skips the upload");
    }

    @Test
    void checksTheNodeWithStatArgvNeverAShellString() {
        RecordingTransport recording = new RecordingTransport();
        cache.place(image, new ImageTarget(NodeName.of("pve2"), false, recording, Optional.of(transfer)),
                DownloadProgress.NONE);
        String expected = dir.resolve("node/var/lib/pveq/images/" + image.sha256Hex() + ".qcow2").toString();
        assertEquals(List.of(List.of("stat", "-c", "%s", expected)), recording.argvs);
    }

    @Test
    void concurrentPlacementsOnOneNodeShareOneUpload() throws Exception {
        transfer.gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> cache.place(image, remote(Optional.of(transfer)), DownloadProgress.NONE)));
            }
            transfer.started.await();
            transfer.gate.countDown();
            for (Future<String> result : results) {
                assertTrue(result.get().endsWith(".qcow2"));
            }
            assertEquals(1, transfer.uploads.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nodeWithoutFileTransferIsAClearError() {
        ImageException e = assertThrows(ImageException.class,
                () -> cache.place(image, remote(Optional.empty()), DownloadProgress.NONE));
        assertTrue(e.getMessage().contains("pve2") && e.getMessage().contains("cannot copy files"), e.getMessage());
    }

    @Test
    void failedUploadBecomesImageException() {
        transfer.fail = true;
        ImageException e = assertThrows(ImageException.class,
                () -> cache.place(image, remote(Optional.of(transfer)), DownloadProgress.NONE));
        assertTrue(e.getMessage().contains("upload"), e.getMessage());
    }

    /** Copies locally the way the contract says: temp name, SHA-256 check, rename. */
    private static final class CopyingTransfer implements FileTransfer {
        final AtomicInteger uploads = new AtomicInteger();
        final CountDownLatch started = new CountDownLatch(1);
        volatile CountDownLatch gate;
        volatile boolean fail;

        @Override
        public void upload(Path localFile, String remotePath, String sha256Hex, TransferProgress progress) {
            uploads.incrementAndGet();
            started.countDown();
            try {
                if (gate != null) {
                    gate.await();
                }
                if (fail) {
                    throw new TransportException("connection lost");
                }
                Path target = Path.of(remotePath);
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                Files.copy(localFile, tmp, StandardCopyOption.REPLACE_EXISTING);
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tmp)));
                if (!sha.equals(sha256Hex)) {
                    throw new TransportException("checksum mismatch");
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                progress.onProgress(Files.size(target), Files.size(target));
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                throw new TransportException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("interrupted", e);
            }
        }
    }

    /** Records argv and answers like a node without the file. */
    private static final class RecordingTransport implements CommandTransport {
        final List<List<String>> argvs = new CopyOnWriteArrayList<>();

        @Override
        public CommandResult run(CommandRequest request) {
            argvs.add(request.argv());
            return new CommandResult(request.displayArgv(), 1, "", "stat: cannot statx: No such file or directory",
                    java.time.Duration.ZERO);
        }

        @Override
        public String describe() {
            return "recording";
        }
    }
}
