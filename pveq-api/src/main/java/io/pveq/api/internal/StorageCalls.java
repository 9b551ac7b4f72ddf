package io.pveq.api.internal;

import io.pveq.api.Checksum;
import io.pveq.api.ChecksumAlgorithm;
import io.pveq.api.DownloadUrlSpec;
import io.pveq.api.StorageApi;
import io.pveq.api.TransferListener;
import io.pveq.api.Upid;
import io.pveq.api.UploadSpec;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link StorageApi} over {@link ApiHttp}: streamed multipart uploads and download-url. Thread-safe. */
final class StorageCalls implements StorageApi {

    private static final Logger LOG = LoggerFactory.getLogger(StorageCalls.class);
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final int CHUNK = 64 * 1024;

    private final ApiHttp http;

    StorageCalls(ApiHttp http) {
        this.http = http;
    }

    @Override
    public Upid upload(NodeName node, String storage, UploadSpec spec, TransferListener progress) {
        Path file = spec.file();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new PveqException("cannot read the file to upload " + file + ": " + e.getMessage(), e);
        }
        Optional<Checksum> checksum = spec.checksum();
        if (checksum.isEmpty() && spec.computeChecksum()) {
            checksum = Optional.of(new Checksum(ChecksumAlgorithm.SHA256, digest(file, ChecksumAlgorithm.SHA256)));
        }
        FormParams fields = FormParams.empty().put("content", spec.content().word());
        checksum.ifPresent(c -> fields.put("checksum-algorithm", c.algorithm().word()).put("checksum", c.hex()));
        ApiCall call = new ApiCall("POST", List.of("nodes", node.value(), "storage", storage, "upload"), fields,
                Optional.of(() -> {
                    MultipartBody.Builder body = new MultipartBody.Builder().setType(MultipartBody.FORM);
                    fields.values().forEach(body::addFormDataPart);
                    body.addFormDataPart("filename", spec.filename(), new FileBody(file, size, progress));
                    return body.build();
                }), Optional.empty());
        return Upids.of(call, http.call(call));
    }

    @Override
    public Upid downloadUrl(NodeName node, String storage, DownloadUrlSpec spec) {
        FormParams params = FormParams.empty().put("url", spec.url().toString()).put("content", spec.content().word())
                .put("filename", spec.filename());
        spec.checksum().ifPresent(c -> params.put("checksum-algorithm", c.algorithm().word()).put("checksum", c.hex()));
        if (!spec.verifyCertificates()) {
            params.put("verify-certificates", false);
        }
        ApiCall call = ApiCall.post(params, "nodes", node.value(), "storage", storage, "download-url");
        return Upids.of(call, http.call(call));
    }

    @Override
    public Optional<Upid> deleteVolume(NodeName node, String volume) {
        int colon = volume == null ? -1 : volume.indexOf(':');
        if (colon < 1 || colon == volume.length() - 1) {
            throw new io.pveq.core.InvalidSpecException("volume", "must be a volume id STORAGE:VOLUME, got '"
                    + io.pveq.core.InvalidSpecException.shorten(volume) + "'");
        }
        ApiCall call = ApiCall.delete(FormParams.empty(), "nodes", node.value(), "storage", volume.substring(0, colon),
                "content", volume);
        com.fasterxml.jackson.databind.JsonNode data = http.call(call);
        return data == null || data.isNull() || data.asText().isEmpty() ? Optional.empty()
                : Optional.of(Upids.of(call, data));
    }

    private static String digest(Path file, ChecksumAlgorithm algorithm) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance(algorithm.jdkName());
            byte[] buffer = new byte[CHUNK];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new PveqException("cannot read the file to upload " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file, streamed from disk in chunks, reporting progress. */
    private static final class FileBody extends RequestBody {
        private final Path file;
        private final long size;
        private final TransferListener listener;

        FileBody(Path file, long size, TransferListener listener) {
            this.file = file;
            this.size = size;
            this.listener = listener;
        }

        @Override
        public MediaType contentType() {
            return OCTETS;
        }

        @Override
        public long contentLength() {
            return size;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            long sent = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[CHUNK];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sink.write(buffer, 0, n);
                    sent += n;
                    tell(sent);
                }
            }
            if (sent != size) {
                throw new IOException("the file " + file + " changed size while it was uploaded (" + size + " -> "
                        + sent + " bytes)");
            }
            if (size == 0) {
                tell(0);
            }
        }

        private void tell(long sent) {
            try {
                listener.onProgress(sent, size);
            } catch (RuntimeException e) {
                LOG.warn("upload listener threw (ignored): {}", e.toString());
            }
        }
    }
}
