package io.pveq.sim.provisioning;

import io.pveq.core.ImageException;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.ImageTarget;
import io.pveq.core.image.LocalImage;
import io.pveq.core.transport.FileTransfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A test image provider serving one generated local file for every release (the real download path
 * is tested in pveq-images) and uploading it to a node through the node's {@link FileTransfer}.
 */
final class GeneratedImages implements ImageProvider {

    private final Path file;
    private final String sha256;
    volatile boolean fetchFails;

    GeneratedImages(Path folder) {
        try {
            byte[] bytes = new byte[64 * 1024];
            new Random(7).nextBytes(bytes);
            file = folder.resolve("generic.qcow2");
            Files.write(file, bytes);
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<OsRelease> supported() {
        return List.of(OsRelease.of("debian", "12"), OsRelease.of("ubuntu", "24.04"), OsRelease.of("rockylinux", "9"));
    }

    @Override
    public ImageSource resolve(OsRelease release) {
        if (!supported().contains(release)) {
            throw new InvalidSpecException("version", release + " is not supported");
        }
        return new ImageSource(release, URI.create("http://127.0.0.1:9/" + release.scriptName() + ".qcow2"),
                URI.create("http://127.0.0.1:9/SHA256SUMS"), release.scriptName() + ".qcow2");
    }

    @Override
    public void validate(ImageSource source) {
        // a local file: nothing to check
    }

    @Override
    public LocalImage fetch(ImageSource source, DownloadProgress progress) {
        if (fetchFails) {
            throw new ImageException("download of " + source.imageUri() + " failed: checksum mismatch");
        }
        return new LocalImage(source.release(), file, sha256, 64 * 1024, true);
    }

    @Override
    public String place(LocalImage image, ImageTarget target, DownloadProgress progress) {
        String remote = "/var/lib/pveq/images/" + image.sha256Hex() + ".qcow2";
        FileTransfer files = target.files().orElseThrow(() -> new ImageException("node " + target.node()
                + " cannot receive files"));
        files.upload(image.file(), remote, image.sha256Hex(), (sent, total) -> progress.onProgress(sent, total, 0));
        return remote;
    }
}
