package io.pveq.api.engine;

import io.pveq.images.ImageCache;
import io.pveq.sim.SimImageMirror;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real image path for the engine suite: the simulator's mirror (generated qcow2 images with their
 * distributions' checksum files) and pveq-images' verified cache downloading from it. A node of the
 * simulated cluster can fetch from the mirror itself ({@code download-url}).
 */
final class SimImages implements AutoCloseable {

    final SimImageMirror mirror = SimImageMirror.start();
    private final Path folder;

    SimImages(Path folder) {
        this.folder = folder;
    }

    /** @return a new cache on the folder (the provisioner that gets it closes it) */
    ImageCache cache() {
        return ImageCache.builder(folder).mirror("debian", mirror.debianBase()).mirror("ubuntu", mirror.ubuntuBase())
                .mirror("rockylinux", mirror.rockyBase()).fsync(false).retryBackoff(Duration.ZERO).maxAttempts(2)
                .build();
    }

    @Override
    public void close() {
        mirror.close();
    }
}
