package io.pveq.core.internal.engine;

import io.pveq.core.ImageException;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageProvider;
import io.pveq.core.image.ImageSource;
import io.pveq.core.image.LocalImage;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** An image provider that serves one made-up image (no file behind it) and counts its holds. */
final class FakeImages implements ImageProvider {

    static final String SHA = "a".repeat(64);
    final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger acquired = new java.util.concurrent.atomic.AtomicInteger();
    volatile boolean downloadFails;
    volatile boolean urlFails;
    volatile Runnable onRelease = () -> { };

    @Override
    public List<OsRelease> supported() {
        return List.of(OsRelease.of("debian", "12"), OsRelease.of("ubuntu", "24.04"));
    }

    @Override
    public ImageSource resolve(OsRelease release) {
        if (!supported().contains(release)) {
            throw new InvalidSpecException("os", "unsupported " + release);
        }
        return new ImageSource(release, URI.create("http://127.0.0.1:1/" + release.os() + ".qcow2"),
                URI.create("http://127.0.0.1:1/SHA256SUMS"), release.os() + ".qcow2");
    }

    @Override
    public void validate(ImageSource source) {
        if (urlFails) {
            throw new ImageException("HEAD " + source.imageUri() + " answered 404");
        }
    }

    @Override
    public LocalImage fetch(ImageSource source, DownloadProgress progress) {
        if (downloadFails) {
            throw new ImageException("download of " + source.imageUri() + " failed: checksum mismatch");
        }
        progress.onProgress(1024, 1024, 1024);
        return new LocalImage(source.release(), Path.of("/cache/" + source.fileName()), SHA, 1024, false);
    }

    @Override
    public LocalImage acquire(ImageSource source, DownloadProgress progress) {
        LocalImage image = fetch(source, progress);
        acquired.incrementAndGet();
        held.incrementAndGet();
        return image;
    }

    @Override
    public void release(LocalImage image) {
        onRelease.run();
        held.decrementAndGet();
    }

}
