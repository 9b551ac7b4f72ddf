package io.pveq.core.transport;

import java.nio.file.Path;

/**
 * Copies a file onto the machine a transport reaches (used to send a cached OS image to a remote
 * node). A transport that can move files implements this beside {@link CommandTransport}.
 *
 * <p>Placement is atomic: the file is written under a temporary name in the target folder, its
 * SHA-256 checked on the remote side, then renamed; a failed or interrupted upload never leaves a
 * file at {@code remotePath}. Thread-safe; blocking.
 */
public interface FileTransfer {

    /**
     * @param localFile    the file to send
     * @param remotePath   absolute path of the file to create on the remote machine (parent folders are created)
     * @param sha256Hex    expected SHA-256 of the content, lower-case hex; checked remotely before the rename
     * @param progress     told how many bytes have gone so far; may be called often, must be fast
     * @throws TransportException when the copy, the check or the rename fails
     */
    void upload(Path localFile, String remotePath, String sha256Hex, TransferProgress progress);

    /** Receives upload progress. Fast, never throws. */
    @FunctionalInterface
    interface TransferProgress {
        /** A listener that ignores progress. */
        TransferProgress NONE = (sent, total) -> { };

        /**
         * @param bytesSent  bytes sent so far
         * @param totalBytes size of the file
         */
        void onProgress(long bytesSent, long totalBytes);
    }
}
