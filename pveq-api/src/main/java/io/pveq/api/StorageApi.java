package io.pveq.api;

import io.pveq.core.NodeName;

/** Putting files on a node's storage. Thread-safe; blocks on the network. */
public interface StorageApi {

    /**
     * Uploads a file, streamed from disk (never held in memory), in one multipart request.
     *
     * @param node     the node
     * @param storage  a file-based storage that lists {@code spec.content()} in its content types
     * @param spec     the file
     * @param progress hears the bytes sent
     * @return the task that moves the file into place and verifies the checksum
     * @throws io.pveq.core.PveqException when the file cannot be read ({@link java.io.UncheckedIOException} as cause)
     */
    Upid upload(NodeName node, String storage, UploadSpec spec, TransferListener progress);

    /**
     * Has the node download a file itself.
     *
     * @param node    the node
     * @param storage a file-based storage that lists {@code spec.content()}
     * @param spec    the URL and file
     * @return the download task (its log reports progress; it fails on a checksum mismatch)
     */
    Upid downloadUrl(NodeName node, String storage, DownloadUrlSpec spec);

    /**
     * Deletes a volume ({@code DELETE /nodes/{node}/storage/{storage}/content/{volume}}), e.g. an import image
     * {@code local:import/debian-12.qcow2}. Needs {@code Datastore.Allocate} on the storage.
     *
     * @param node   the node
     * @param volume the volume id, {@code STORAGE:VOLUME}
     * @return the deletion task, when Proxmox runs it as one
     */
    java.util.Optional<Upid> deleteVolume(NodeName node, String volume);
}
