package io.pveq.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Debian guest images built from Debian's packages by {@code pveq-sim/guest-images/ensure-images.sh}
 * (which runs {@code build-debian-image.sh} per release), found in the image cache folder under the
 * recipe's hash: {@code <cache>/<recipe>/debian-<v>/debian-<v>-generic-amd64.qcow2} with its
 * {@code SHA512SUMS}, and {@code <cache>/<recipe>/repo/debian/}, the partial package mirror the guests
 * get. Publish them with {@link SimImageMirror#publish(GuestImages)} so the real download, verification
 * and import path runs. Ubuntu and Rocky Linux cannot be built from the packages reachable here; their
 * guests stay simulated. Immutable.
 */
public final class GuestImages {

    /** Debian version to its code name. */
    static final Map<String, String> CODENAMES = Map.of("11", "bullseye", "12", "bookworm", "13", "trixie");
    /** The files of the recipe, in the order their bytes are hashed. */
    static final List<String> RECIPE = List.of("build-debian-image.sh", "ensure-images.sh");

    /**
     * One built image.
     *
     * @param version   the Debian version, {@code 11}, {@code 12} or {@code 13}
     * @param image     the qcow2 file, named as on cloud.debian.org
     * @param checksums its {@code SHA512SUMS}
     */
    public record Image(String version, Path image, Path checksums) {
        /** @return the path below the Debian mirror's base, as cloud.debian.org publishes it */
        public String mirrorPath() {
            return "images/cloud/" + CODENAMES.get(version) + "/latest/" + image.getFileName();
        }
    }

    private final Path folder;
    private final List<Image> images;

    private GuestImages(Path folder, List<Image> images) {
        this.folder = folder;
        this.images = List.copyOf(images);
    }

    /**
     * @param recipeFolder the folder holding the recipe ({@code pveq-sim/guest-images})
     * @return the first 16 hex digits of the SHA-256 of the recipe files: the cache key
     * @throws UncheckedIOException when a recipe file cannot be read
     */
    public static String recipeHash(Path recipeFolder) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String name : RECIPE) {
                sha.update(Files.readAllBytes(recipeFolder.resolve(name)));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the guest image recipe in " + recipeFolder, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param cacheRoot    the image cache folder
     * @param recipeFolder the recipe ({@code pveq-sim/guest-images})
     * @return the images built from this recipe, when {@code ensure-images.sh} has built any
     */
    public static Optional<GuestImages> locate(Path cacheRoot, Path recipeFolder) {
        Path folder = cacheRoot.resolve(recipeHash(recipeFolder));
        if (!Files.isDirectory(folder.resolve("repo"))) {
            return Optional.empty();
        }
        GuestImages found = in(folder);
        return found.images.isEmpty() ? Optional.empty() : Optional.of(found);
    }

    /**
     * @param folder a folder laid out as {@code ensure-images.sh} leaves it
     * @return the images in it (possibly none)
     */
    public static GuestImages in(Path folder) {
        List<Image> images = new ArrayList<>();
        for (String version : List.of("11", "12", "13")) {
            Path dir = folder.resolve("debian-" + version);
            Path image = dir.resolve("debian-" + version + "-generic-amd64.qcow2");
            Path sums = dir.resolve("SHA512SUMS");
            if (Files.isRegularFile(image) && Files.isRegularFile(sums)) {
                images.add(new Image(version, image, sums));
            }
        }
        return new GuestImages(Objects.requireNonNull(folder), images);
    }

    /** @return the images, oldest release first */
    public List<Image> images() {
        return images;
    }

    /** @return the image of Debian {@code version}, if built */
    public Optional<Image> debian(String version) {
        return images.stream().filter(i -> i.version().equals(version)).findFirst();
    }

    /** @return the package repository root: {@code debian/dists/<suite>} and {@code debian/pool} below it */
    public Path repository() {
        return folder.resolve("repo");
    }

    /** @return the folder */
    public Path folder() {
        return folder;
    }

    /** @return every file of the images and the repository, for tests that check nothing else is touched */
    List<Path> files() {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
