package io.pveq.core.internal.engine;

import io.pveq.core.ImageException;
import io.pveq.core.ImagePlacement;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.StorageException;
import io.pveq.core.StorageInfo;
import io.pveq.core.image.ImageChecksum;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import io.pveq.core.internal.cluster.PlacedImage;
import io.pveq.core.internal.cluster.ProxmoxOps;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Gets an install's OS image onto the node the VM is created on, written once for both dialects. Over the
 * REST API the node can fetch the image from the mirror itself ({@code download-url}, verified against the
 * distribution's checksum, in the {@code downloading OS image} stage); otherwise pveq downloads and verifies
 * it into its cache and uploads it (in the {@code importing disk image} stage). Images are named by
 * content, {@code pveq-<os>-<version>-<16 hex of the checksum>.qcow2}, so an image a node already holds
 * is used as it is. Every placement is journalled before it starts; the rollback removes the image unless
 * another install of this process still uses it. One per install; not thread-safe.
 */
final class ImagePlacer {

    private final EngineContext ctx;
    private final OperationRun run;
    private final NodeName node;
    private final ImageSource source;
    private final String storage;
    private String fileName;
    private ImageChecksum checksum;
    private LocalImage local;
    private PlacedImage placed;
    private ImageHolds.Hold hold;
    private boolean journalled;

    /**
     * @param storage the storage images go to ({@link #importStorage}); {@code ""} through commands
     */
    ImagePlacer(EngineContext ctx, OperationRun run, NodeName node, ImageSource source, String storage) {
        this.ctx = ctx;
        this.run = run;
        this.node = node;
        this.source = source;
        this.storage = storage;
    }

    /**
     * The {@code downloading OS image} stage: the node downloads the image, or finds it has it, or pveq's
     * cache gets it (for the upload later).
     *
     * @return the stage's summary
     */
    String prepare() {
        ProxmoxOps ops = ctx.ops();
        ImagePlacement mode = ctx.settings().imagePlacement();
        boolean nodeDownload = ops.canDownload() && mode != ImagePlacement.UPLOAD;
        if (nodeDownload) {
            Optional<ImageChecksum> published = publishedChecksum(mode);
            if (published.isPresent()) {
                use(published.get());
                Optional<PlacedImage> found = ops.findImage(node, storage, fileName);
                if (found.isPresent()) {
                    placed = found.get();
                    return "node " + node + " already holds the image (" + fileName + ")";
                }
                journal();
                try {
                    placed = ops.downloadImage(node, storage, fileName, source, checksum,
                            (line, pct) -> pct.ifPresent(p -> run.progress(Math.round(p * 100), 10_000, 0)));
                    return "node " + node + " downloaded the image itself and verified its " + checksum.algorithm()
                            + " checksum (" + fileName + ")";
                } catch (PveqException e) {
                    Optional<PlacedImage> meanwhile = ops.findImage(node, storage, fileName);
                    if (meanwhile.isPresent()) { // another install placed it in the meantime
                        placed = meanwhile.get();
                        return "node " + node + " holds the image (" + fileName + ")";
                    }
                    if (mode == ImagePlacement.DOWNLOAD_URL) {
                        throw e;
                    }
                    run.detail("[!] node " + node + " could not download the image itself (" + e.getMessage()
                            + "); pveq downloads it and uploads it instead");
                }
            }
        }
        local = ctx.images().acquire(source, run::progress);
        if (fileName == null) {
            use(ctx.images().checksum(source).orElseGet(() -> ImageChecksum.sha256(local.sha256Hex())));
        }
        return local.cacheHit() ? "OS image found in cache" : "completed OS image download";
    }

    private Optional<ImageChecksum> publishedChecksum(ImagePlacement mode) {
        try {
            Optional<ImageChecksum> published = ctx.images().checksum(source);
            if (published.isEmpty() && mode == ImagePlacement.DOWNLOAD_URL) {
                throw new ImageException("the image provider knows no published checksum for " + source.release()
                        + ", which a node's own download is verified against; use the upload placement");
            }
            return published;
        } catch (ImageException e) {
            if (mode == ImagePlacement.DOWNLOAD_URL) {
                throw e;
            }
            run.detail("[!] cannot read the image's checksum for the node's own download (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private void use(ImageChecksum chosen) {
        this.checksum = chosen;
        this.fileName = fileName(source, chosen);
        this.hold = ctx.holds().hold(node, storage, fileName);
        run.journal().register("release the image hold", () -> {
            hold.release();
            return "";
        });
    }

    /** Journals the placement (before it happens), unless placing creates nothing (the local node). */
    private void journal() {
        if (journalled) {
            return;
        }
        Optional<PlacedImage> target = ctx.ops().imageTarget(node, storage, fileName);
        if (target.isEmpty()) {
            return;
        }
        JournalStep.PlacedImage step = new JournalStep.PlacedImage(node.value(), storage, fileName,
                target.get().reference());
        JournalActions actions = new JournalActions(ctx);
        ImageHolds.Hold mine = hold;
        run.journal().registerDurable(step, () -> {
            mine.release(); // this install is done with it; another one may not be
            return actions.undo(step);
        });
        journalled = true;
    }

    /**
     * In the {@code importing disk image} stage, under the node's heavy-task slot: the image where the node
     * can import it, uploading it first when the node does not hold it yet.
     */
    PlacedImage place() {
        if (placed != null) {
            return placed;
        }
        Optional<PlacedImage> found = ctx.ops().findImage(node, storage, fileName);
        if (found.isPresent()) {
            run.detail("[*] node " + node + " already holds the image (" + fileName + ")");
            placed = found.get();
            return placed;
        }
        journal();
        placed = ctx.ops().uploadImage(node, storage, fileName, local, checksum, run::progress);
        return placed;
    }

    /** @return the size of the image for progress, when pveq holds a copy; -1 otherwise */
    long sizeBytes() {
        return local == null ? -1 : local.sizeBytes();
    }

    /** The import is done (or given up): the image may go, as far as this install is concerned. Idempotent. */
    void release() {
        if (hold != null) {
            hold.release();
        }
        if (local != null) {
            LocalImage done = local;
            local = null;
            try {
                ctx.images().release(done); // the cache may evict it again
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(ImagePlacer.class).warn("image provider failed to release {}", done.file(), e);
            }
        }
    }

    /**
     * @return the storage import images go to on the node: configured, or the first of the node's storages
     *         with {@code import} content ({@code local} first); {@code ""} through commands, which upload to a
     *         folder instead
     */
    static String importStorage(EngineContext ctx, NodeName node) {
        if (ctx.ops().dialect() != ProxmoxOps.Dialect.API) {
            return "";
        }
        if (ctx.settings().imageStorage().isPresent()) {
            return ctx.settings().imageStorage().get();
        }
        List<StorageInfo> all = ctx.retry().read("storages of " + node, () -> ctx.ops().storages(node));
        return all.stream().filter(s -> s.enabled() && s.active() && s.content().contains("import"))
                .min(Comparator.comparing((StorageInfo s) -> !s.storage().equals("local")).thenComparing(StorageInfo::storage))
                .map(StorageInfo::storage)
                .orElseThrow(() -> new StorageException("import", "no storage on node " + node + " holds import content,"
                        + " where OS images go before they are imported; add it to a file-based storage once, e.g."
                        + " pvesm set local --content " + contentWithImport(all, "local")
                        + ", or name one as the image storage"));
    }

    static String contentWithImport(List<StorageInfo> storages, String storage) {
        List<String> content = storages.stream().filter(s -> s.storage().equals(storage)).findFirst()
                .map(s -> new java.util.TreeSet<>(s.content()).stream().toList()).orElse(List.of("iso", "vztmpl", "backup"));
        java.util.List<String> all = new java.util.ArrayList<>(content);
        if (!all.contains("import")) {
            all.add("import");
        }
        return String.join(",", all);
    }

    /** @return {@code pveq-<os>-<version>-<16 hex of the checksum>} with {@code .raw}, {@code .vmdk} or {@code .qcow2} */
    static String fileName(ImageSource source, ImageChecksum checksum) {
        String lower = source.fileName().toLowerCase(Locale.ROOT);
        String ext = lower.endsWith(".raw") ? ".raw" : lower.endsWith(".vmdk") ? ".vmdk" : ".qcow2";
        String version = source.release().version().replaceAll("[^A-Za-z0-9.]", "-");
        return "pveq-" + source.release().os() + "-" + version + "-" + checksum.hex().substring(0, 16) + ext;
    }
}
