package io.pveq.images.internal;

import io.pveq.core.ImageException;
import io.pveq.core.image.ImageProvider.DownloadProgress;
import io.pveq.core.image.ImageTarget;
import io.pveq.core.image.LocalImage;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.TransportException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a cached image where a node can import it. On the local node that is the cached file
 * itself. On a remote node it is {@code <nodeFolder>/<sha256><ext>}: the node's transport first
 * asks for that file's size ({@code stat -c %s PATH}); the file transfer writes such a file only by
 * an atomic rename after checking its SHA-256, so a file of the right size there is the image and
 * the upload is skipped. Concurrent placements of one image on one node share one upload.
 * Thread-safe.
 */
public final class NodePlacement {

    private static final Logger LOG = LoggerFactory.getLogger(NodePlacement.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private final String nodeFolder;
    private final CacheStore store;
    private final Clock clock;
    private final long progressIntervalMillis;
    private final SingleFlight<String, Progress, String> uploads = new SingleFlight<>();

    /**
     * @param nodeFolder absolute folder on remote nodes for uploaded images, e.g. {@code /var/lib/pveq/images}
     */
    public NodePlacement(String nodeFolder, CacheStore store, Clock clock, long progressIntervalMillis) {
        if (!nodeFolder.startsWith("/") || nodeFolder.contains("..")) {
            throw new IllegalArgumentException("node image folder must be an absolute path without '..'");
        }
        this.nodeFolder = nodeFolder.endsWith("/") ? nodeFolder.substring(0, nodeFolder.length() - 1) : nodeFolder;
        this.store = store;
        this.clock = clock;
        this.progressIntervalMillis = progressIntervalMillis;
    }

    /** @return the path on the node where {@code image} is, or will be, placed */
    public String remotePath(LocalImage image) {
        return nodeFolder + "/" + image.sha256Hex() + ImageFetcher.extension(image.file().getFileName().toString());
    }

    /** @return the absolute path of the image on the target node */
    public String place(LocalImage image, ImageTarget target, DownloadProgress listener) {
        if (target.local()) {
            store.touch(image.file());
            return image.file().toAbsolutePath().toString();
        }
        String remote = remotePath(image);
        return uploads.run(target.node().value() + " " + remote, () -> new Progress(clock, progressIntervalMillis),
                progress -> progress.add(listener), progress -> upload(image, target, remote, progress));
    }

    private String upload(LocalImage image, ImageTarget target, String remote, Progress progress) {
        if (alreadyThere(image, target, remote)) {
            LOG.info("node {} already holds {}", target.node(), remote);
            progress.update(image.sizeBytes(), image.sizeBytes(), true);
            return remote;
        }
        FileTransfer files = target.files().orElseThrow(() -> new ImageException("cannot place the "
                + image.release() + " image on node " + target.node() + ": its transport ("
                + target.transport().describe() + ") cannot copy files"));
        store.pin(image.sha256Hex());
        try {
            LOG.info("uploading {} to node {} as {}", image.file(), target.node(), remote);
            files.upload(image.file(), remote, image.sha256Hex(),
                    (sent, total) -> progress.update(sent, total, sent == total));
            return remote;
        } catch (TransportException e) {
            throw new ImageException("upload of the " + image.release() + " image to node " + target.node()
                    + " failed: " + e.getMessage(), e);
        } finally {
            store.unpin(image.sha256Hex());
        }
    }

    private static boolean alreadyThere(LocalImage image, ImageTarget target, String remote) {
        CommandRequest stat = CommandRequest.builder(List.of("stat", "-c", "%s", remote)).timeout(CHECK_TIMEOUT).build();
        try {
            CommandResult result = target.transport().run(stat);
            return result.succeeded() && result.stdout().strip().equals(Long.toString(image.sizeBytes()));
        } catch (TransportException e) {
            throw new ImageException("cannot check for the image on node " + target.node() + ": " + e.getMessage(), e);
        }
    }
}
