package io.pveq.sim;

import io.pveq.sim.internal.MirrorContent;
import io.pveq.sim.internal.MirrorHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server publishing generated OS images (valid qcow2 headers, a few KiB of content)
 * under the same paths and checksum-file formats as the real mirrors: Debian
 * ({@code images/cloud/<codename>/latest/debian-<v>-generic[cloud]-amd64.qcow2} and {@code SHA512SUMS})
 * below {@link #debianBase()}, Ubuntu ({@code releases/<v>/release/ubuntu-<v>-server-cloudimg-amd64.img}
 * and {@code SHA256SUMS}) below {@link #ubuntuBase()}, Rocky
 * ({@code pub/rocky/<v>/images/x86_64/Rocky-<v>-GenericCloud-Base.latest.x86_64.qcow2} and a BSD-style
 * {@code CHECKSUM}) below {@link #rockyBase()}. Answers GET and HEAD, single byte ranges ({@code 206}),
 * and 404 elsewhere. For demos and for tests of the real download path. Thread-safe.
 */
public final class SimImageMirror implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final MirrorContent content;
    private final MirrorHandler handler;
    private final AtomicInteger generations = new AtomicInteger();

    private SimImageMirror(HttpServer server, ExecutorService executor, MirrorContent content) {
        this.server = server;
        this.executor = executor;
        this.content = content;
        this.handler = new MirrorHandler(content);
        server.createContext("/", handler);
        server.start();
    }

    /**
     * Starts a mirror on {@code 127.0.0.1} with a free port and 64 KiB images.
     *
     * @throws UncheckedIOException when the server cannot bind
     */
    public static SimImageMirror start() {
        return start(new InetSocketAddress("127.0.0.1", 0), 64 * 1024);
    }

    /**
     * Starts a mirror.
     *
     * @param address    where to listen (port 0 for a free one)
     * @param imageBytes size of each generated image file, at least 512
     * @throws UncheckedIOException when the server cannot bind
     */
    public static SimImageMirror start(InetSocketAddress address, int imageBytes) {
        if (imageBytes < 512) {
            throw new IllegalArgumentException("imageBytes must be at least 512");
        }
        try {
            HttpServer server = HttpServer.create(address, 64);
            AtomicInteger ids = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
                Thread thread = new Thread(runnable, "pveq-sim-mirror-" + ids.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            return new SimImageMirror(server, executor, new MirrorContent(imageBytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the image mirror on " + address + ": " + e.getMessage(), e);
        }
    }

    /** @return {@code http://host:port/} */
    public URI baseUri() {
        InetSocketAddress bound = server.getAddress();
        return URI.create("http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort() + "/");
    }

    /** @return the stand-in for {@code https://cloud.debian.org/} */
    public URI debianBase() {
        return baseUri().resolve("debian/");
    }

    /** @return the stand-in for {@code https://cloud-images.ubuntu.com/} */
    public URI ubuntuBase() {
        return baseUri().resolve("ubuntu/");
    }

    /** @return the stand-in for {@code https://dl.rockylinux.org/} */
    public URI rockyBase() {
        return baseUri().resolve("rocky/");
    }

    /**
     * Serves the built Debian guest images in place of the generated ones, under the official file
     * names with their {@code SHA512SUMS}, so that pveq's real download, verification and import path
     * fetches bootable images. Other releases stay generated.
     *
     * @return this mirror
     */
    public SimImageMirror publish(GuestImages images) {
        for (GuestImages.Image image : images.images()) {
            String path = "debian/" + image.mirrorPath();
            handler.publish(path, image.image());
            handler.publish(path.substring(0, path.lastIndexOf('/') + 1) + "SHA512SUMS", image.checksums());
        }
        return this;
    }

    /** @return every published file path (images and checksum files), sorted */
    public List<String> paths() {
        return content.paths();
    }

    /** @return the bytes served at {@code path} (as published, even while corrupted) */
    public byte[] file(String path) {
        return content.file(path).orElseThrow(() -> new IllegalArgumentException("not published: " + path)).clone();
    }

    /** @param corrupt when true, images are served with one byte changed (checksums no longer match) */
    public void corruptImages(boolean corrupt) {
        handler.corrupt(corrupt);
    }

    /**
     * Publishes a new build of an image (new bytes, same virtual size) and updates its checksum file,
     * as a distribution's {@code latest} image changes upstream.
     *
     * @param path an image path from {@link #paths()}
     * @return the new image bytes
     * @throws IllegalArgumentException when {@code path} is not a published image
     */
    public byte[] republish(String path) {
        return content.republish(path, generations.incrementAndGet()).clone();
    }

    /**
     * Makes the next {@code times} requests for {@code path} fail with HTTP {@code status}.
     *
     * @param path   a path relative to the mirror root, e.g. {@code debian/images/cloud/bookworm/latest/SHA512SUMS}
     * @param status the HTTP status to answer, e.g. 503
     * @param times  how many requests fail
     */
    public void failNext(String path, int status, int times) {
        handler.failNext(path, status, times);
    }

    /** @return how many GET requests reached {@code path} */
    public int getCount(String path) {
        return handler.getCount(path);
    }

    /** Stops the server at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
