package io.pveq.api;

/**
 * Hears an upload's progress: called on the uploading thread as bytes are written, at most about
 * every 64 KiB and once at the end. Must be fast and must not throw (an exception is logged and ignored).
 */
@FunctionalInterface
public interface TransferListener {

    /** A listener that ignores everything. */
    TransferListener NONE = (sent, total) -> { };

    /**
     * @param bytesSent  bytes of the file sent so far
     * @param totalBytes the file's size
     */
    void onProgress(long bytesSent, long totalBytes);
}
