package io.pveq.examples;

import io.pveq.core.VmProvisioner;
import io.pveq.images.ImageCache;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A provisioner on a simulated cluster, wired as {@link ProvisionOnSimulator} shows step by step:
 * three nodes, the simulator's image mirror, the real image cache in a temporary folder, the
 * simulator's guest access and address probe. Closing it closes all of them and deletes the folder.
 */
final class DemoCluster implements AutoCloseable {

    private final SimulatedCluster cluster;
    private final SimImageMirror mirror;
    private final Path folder;
    private final VmProvisioner provisioner;

    private DemoCluster(SimulatedCluster cluster, SimImageMirror mirror, Path folder, VmProvisioner provisioner) {
        this.cluster = cluster;
        this.mirror = mirror;
        this.folder = folder;
        this.provisioner = provisioner;
    }

    /**
     * @param speedFactor simulated durations are divided by this (a 20 s boot takes 100 ms at 200)
     * @return a running demo cluster; close it
     */
    static DemoCluster start(double speedFactor) {
        SimulatedCluster cluster = SimulatedCluster.builder().speedFactor(speedFactor).build();
        SimImageMirror mirror = null;
        Path folder = null;
        try {
            mirror = SimImageMirror.start();
            folder = Files.createTempDirectory("pveq-example-");
            ImageCache images = ImageCache.builder(folder.resolve("images"))
                    .mirror("debian", mirror.debianBase())
                    .mirror("ubuntu", mirror.ubuntuBase())
                    .mirror("rockylinux", mirror.rockyBase())
                    .build();
            return new DemoCluster(cluster, mirror, folder, cluster.provisioner().images(images).build());
        } catch (IOException | RuntimeException e) {
            if (mirror != null) {
                mirror.close();
            }
            cluster.close();
            deleteTree(folder);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot create a temporary folder", io);
            }
            throw (RuntimeException) e;
        }
    }

    VmProvisioner provisioner() {
        return provisioner;
    }

    SimulatedCluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        try {
            provisioner.close();
        } finally {
            try {
                mirror.close();
            } finally {
                cluster.close();
                deleteTree(folder);
            }
        }
    }

    /** Deletes a folder and its content, best effort; does nothing for null. */
    static void deleteTree(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort: a temporary folder left behind is harmless
                }
            });
        } catch (IOException e) {
            // same
        }
    }
}
