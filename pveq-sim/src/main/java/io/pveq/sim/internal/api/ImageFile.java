package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Exec;
import io.pveq.sim.internal.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A file arriving on a simulated node through the API: its size, the virtual size and format its
 * header tells (what {@code qemu-img info} would), its SHA-256 and the checksum the request asked
 * for; and the node's own download of a URL. A simulated node reaches loopback addresses only.
 */
final class ImageFile {

    private static final Map<String, String> ALGORITHMS = Map.of("md5", "MD5", "sha1", "SHA-1", "sha224", "SHA-224",
            "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");

    private ImageFile() {
    }

    /**
     * What was learnt from a file.
     *
     * @param size        bytes
     * @param virtualSize a qcow2's virtual size, else the size
     * @param sha256      hex SHA-256
     * @param checksum    hex checksum of the requested algorithm (empty when none was asked for)
     * @param detected    {@code qcow2}, {@code vmdk} or {@code raw}
     * @param backingFile true for a qcow2 with a backing file
     */
    record Inspected(long size, long virtualSize, String sha256, String checksum, String detected,
                     boolean backingFile) {
        byte[] sha256Bytes() {
            return HexFormat.of().parseHex(sha256);
        }

        /**
         * Proxmox's check of an untrusted image ({@code file_size_info} with the format its name gives).
         *
         * @throws Failure {@code failed to query file information with qemu-img} when the format differs,
         *                 or {@code backing file not allowed for untrusted image 'PATH'!}
         */
        void requireFormat(String format, String shownPath) {
            if ((format.equals("qcow2") || format.equals("vmdk")) && !detected.equals(format)) {
                throw new Failure("failed to query file information with qemu-img");
            }
            if (backingFile) {
                throw new Failure("backing file not allowed for untrusted image '" + shownPath + "'!");
            }
        }
    }

    static Inspected inspect(Path file, long size, Optional<String> algorithm) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            MessageDigest requested = algorithm.isPresent()
                    ? MessageDigest.getInstance(ALGORITHMS.get(algorithm.get())) : null;
            byte[] header = new byte[512];
            int headerLength = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (headerLength < header.length) {
                        int take = Math.min(n, header.length - headerLength);
                        System.arraycopy(buffer, 0, header, headerLength, take);
                        headerLength += take;
                    }
                    sha256.update(buffer, 0, n);
                    if (requested != null) {
                        requested.update(buffer, 0, n);
                    }
                }
            }
            String detected = "raw";
            long virtualSize = size;
            boolean backing = false;
            if (headerLength >= 32 && header[0] == 'Q' && header[1] == 'F' && header[2] == 'I'
                    && (header[3] & 0xff) == 0xfb) {
                detected = "qcow2";
                ByteBuffer view = ByteBuffer.wrap(header, 0, headerLength);
                backing = view.getLong(8) != 0;
                virtualSize = view.getLong(24);
            } else if (headerLength >= 4 && header[0] == 'K' && header[1] == 'D' && header[2] == 'M' && header[3] == 'V') {
                detected = "vmdk";
                virtualSize = ByteBuffer.wrap(header, 0, headerLength).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getLong(12) * 512;
            } else if (new String(header, 0, headerLength, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .startsWith("# Disk DescriptorFile")) {
                detected = "vmdk";
            }
            return new Inspected(size, virtualSize, HexFormat.of().formatHex(sha256.digest()),
                    requested == null ? "" : HexFormat.of().formatHex(requested.digest()), detected, backing);
        } catch (IOException e) {
            throw new Failure("unable to read uploaded file: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The node's own download (Proxmox runs {@code wget}); progress and the outcome go to the task log.
     *
     * @return a temporary file holding the body
     * @throws Failure {@code download failed: command 'wget ...' failed: exit code N}
     */
    static Path download(Exec exec, String url, boolean verifyCertificates, Path tempDir) {
        String wget = "wget --progress=dot:giga -O " + "/tmp/download.tmp_dwnl " + url
                + (verifyCertificates ? "" : " --no-check-certificate");
        URI uri;
        try {
            uri = URI.create(url);
            InetAddress address = InetAddress.getByName(uri.getHost());
            if (!address.isLoopbackAddress()) {
                exec.out("pveq-sim: a simulated node reaches loopback addresses only, not " + uri.getHost());
                throw new Failure("download failed: command '" + wget + "' failed: exit code 4");
            }
        } catch (IOException | IllegalArgumentException e) {
            exec.out(uri(url) + ": " + e.getMessage());
            throw new Failure("download failed: command '" + wget + "' failed: exit code 4");
        }
        Path target;
        try {
            target = Files.createTempFile(tempDir, "download-", ".tmp");
        } catch (IOException e) {
            throw new Failure("cannot stage a download: " + e.getMessage());
        }
        HttpURLConnection connection = null;
        try {
            URL location = uri.toURL();
            connection = (HttpURLConnection) location.openConnection();
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(30_000);
            if (connection instanceof HttpsURLConnection https && !verifyCertificates) {
                https.setSSLSocketFactory(trustAll().getSocketFactory());
                https.setHostnameVerifier((host, session) -> true);
            }
            int status = connection.getResponseCode();
            if (status != 200) {
                exec.out("ERROR " + status + ": " + connection.getResponseMessage() + ".");
                delete(target);
                throw new Failure("download failed: command '" + wget + "' failed: exit code 8");
            }
            long length = connection.getContentLengthLong();
            exec.out("Length: " + (length < 0 ? "unspecified" : Long.toString(length)));
            long copied;
            try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(target)) {
                copied = in.transferTo(out);
            }
            exec.pause(java.time.Duration.ofMillis(100 + copied / (200L << 10)));
            exec.out("saved [" + copied + "/" + (length < 0 ? copied : length) + "]");
            return target;
        } catch (javax.net.ssl.SSLException e) {
            exec.out("ERROR: cannot verify " + uri.getHost() + "'s certificate: " + e.getMessage());
            delete(target);
            throw new Failure("download failed: command '" + wget + "' failed: exit code 5");
        } catch (IOException e) {
            exec.out("failed: " + e.getMessage() + ".");
            delete(target);
            throw new Failure("download failed: command '" + wget + "' failed: exit code 4");
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static String uri(String url) {
        return url.toLowerCase(Locale.ROOT);
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file
        }
    }

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // verify-certificates=0: the node accepts any certificate, as wget --no-check-certificate
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
