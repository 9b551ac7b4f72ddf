package io.pveq.images;

import io.pveq.core.OsRelease;
import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One image of the catalog: where a release's cloud image and its checksum file live below a
 * distribution's mirror. Data only; more releases and architectures are added as more entries.
 *
 * @param release          the OS release, e.g. {@code debian 12}
 * @param arch             the architecture in Debian's spelling, e.g. {@code amd64}
 * @param defaultBase      the official mirror base, ending with {@code /}, e.g. {@code https://cloud.debian.org/}
 * @param imagePath        the image's path below the base, without a leading {@code /}
 * @param checksumFileName the checksum file in the image's folder: {@code SHA512SUMS}, {@code SHA256SUMS} or {@code CHECKSUM}
 */
public record CatalogEntry(OsRelease release, String arch, URI defaultBase, String imagePath, String checksumFileName) {

    private static final Pattern ARCH = Pattern.compile("[a-z0-9_]{1,16}");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._~-]+");

    /** Validates; throws {@link IllegalArgumentException} when a field is malformed. */
    public CatalogEntry {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(defaultBase, "defaultBase");
        Objects.requireNonNull(imagePath, "imagePath");
        Objects.requireNonNull(checksumFileName, "checksumFileName");
        if (!ARCH.matcher(arch).matches()) {
            throw new IllegalArgumentException("arch must be a short lower-case name, got " + arch);
        }
        defaultBase = ImageCatalog.asBase(defaultBase);
        if (!PATH.matcher(imagePath).matches() || imagePath.contains("..")) {
            throw new IllegalArgumentException("imagePath must be a relative path without '..', got " + imagePath);
        }
        if (!FILE.matcher(checksumFileName).matches()) {
            throw new IllegalArgumentException("checksumFileName must be a plain file name, got " + checksumFileName);
        }
    }

    /** @return the image's file name, as the checksum file lists it */
    public String fileName() {
        return imagePath.substring(imagePath.lastIndexOf('/') + 1);
    }

    /** @param base a mirror base ending with {@code /} @return the image URL below it */
    public URI imageUri(URI base) {
        return ImageCatalog.asBase(base).resolve(imagePath);
    }

    /** @param base a mirror base ending with {@code /} @return the checksum file URL below it */
    public URI checksumUri(URI base) {
        int slash = imagePath.lastIndexOf('/');
        String folder = slash < 0 ? "" : imagePath.substring(0, slash + 1);
        return ImageCatalog.asBase(base).resolve(folder + checksumFileName);
    }
}
