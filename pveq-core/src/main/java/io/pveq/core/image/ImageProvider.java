package io.pveq.core.image;

import io.pveq.core.ImageException;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.OsRelease;
import java.util.List;

/**
 * Supplies verified OS images. The implementation with a catalog and a download cache lives in
 * {@code pveq-images}. The provisioner calls the methods in the order of the install stages:
 * {@link #resolve} ({@code getting OS image}), {@link #validate} ({@code validating OS image URL}), then
 * either {@link #checksum} (a node downloads the image itself) or {@link #acquire} ({@code downloading OS
 * image}) and, once the node imported the uploaded image, {@link #release}. Putting the image on a node is
 * the provisioner's business (an upload or Proxmox's {@code download-url}, by dialect). Thread-safe;
 * concurrent fetches of one image share one download.
 */
public interface ImageProvider extends AutoCloseable {

    /** @return every release this provider can supply, in a stable order */
    List<OsRelease> supported();

    /**
     * @return where the release's image comes from
     * @throws InvalidSpecException naming {@code os} or {@code version}, and listing what is supported, when unknown
     */
    ImageSource resolve(OsRelease release);

    /**
     * Checks that the image URL answers (HTTP HEAD, short timeout). Skipped quickly when the image
     * is cached and the check cannot change the outcome.
     *
     * @throws ImageException when the image cannot be reached
     */
    void validate(ImageSource source);

    /**
     * Returns the verified cached image, downloading and verifying it first when needed.
     *
     * @param progress told about download progress; fast, never throws
     * @throws ImageException when the download or verification fails; nothing unverified is ever cached
     */
    LocalImage fetch(ImageSource source, DownloadProgress progress);

    /**
     * {@link #fetch} for an image about to be used: the provider keeps it (a cache does not evict it)
     * until the matching {@link #release}, so that it cannot vanish between the download and the
     * node's import. The provisioner uses this pair; call {@link #release} exactly once per successful
     * call, also when the install fails. The default fetches and holds nothing.
     *
     * @param progress told about download progress; fast, never throws
     * @throws ImageException as {@link #fetch}
     */
    default LocalImage acquire(ImageSource source, DownloadProgress progress) {
        return fetch(source, progress);
    }

    /**
     * Ends one {@link #acquire} of {@code image}; afterwards it may be evicted. The default does nothing.
     * Never throws.
     */
    default void release(LocalImage image) {
    }

    /**
     * The checksum the distribution publishes for the image, read (and cached) from its checksum file, so
     * that a node can download the image itself and verify it ({@code download-url}) without pveq fetching
     * the image. Also what an upload is verified against on the node. The default has none: such a
     * provider's images are always uploaded from its verified local files, checked by their SHA-256.
     *
     * @return the checksum, or empty when the provider does not know it without downloading
     * @throws ImageException when the checksum file cannot be read
     */
    default java.util.Optional<ImageChecksum> checksum(ImageSource source) {
        return java.util.Optional.empty();
    }

    @Override
    default void close() {
    }

    /** Download or upload progress. Fast, never throws. */
    @FunctionalInterface
    interface DownloadProgress {
        /** A listener that ignores progress. */
        DownloadProgress NONE = (bytes, total, rate) -> { };

        /**
         * @param bytes          bytes done so far
         * @param totalBytes     expected total, or -1 when unknown
         * @param bytesPerSecond current rate
         */
        void onProgress(long bytes, long totalBytes, double bytesPerSecond);
    }
}
