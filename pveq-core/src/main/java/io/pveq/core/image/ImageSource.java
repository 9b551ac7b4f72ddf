package io.pveq.core.image;

import io.pveq.core.OsRelease;
import java.net.URI;
import java.util.Objects;

/**
 * Where an OS image comes from: the catalog's answer for a release.
 *
 * @param release     the OS release
 * @param imageUri    the image URL (mirror applied)
 * @param checksumUri the distribution's checksum file beside it ({@code SHA512SUMS}, {@code SHA256SUMS}, {@code CHECKSUM})
 * @param fileName    the image's file name as listed in the checksum file
 */
public record ImageSource(OsRelease release, URI imageUri, URI checksumUri, String fileName) {

    /** Validates. */
    public ImageSource {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(imageUri, "imageUri");
        Objects.requireNonNull(checksumUri, "checksumUri");
        Objects.requireNonNull(fileName, "fileName");
    }
}
