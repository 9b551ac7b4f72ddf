package io.pveq.core;

import java.util.regex.Pattern;

/**
 * An operating system and version as the API names them: {@code debian 12}, {@code ubuntu 24.04},
 * {@code rockylinux 9}. This record checks the form only; whether a release is supported is the
 * image catalog's answer ({@link io.pveq.core.image.ImageProvider#supported()}).
 *
 * @param os      lower-case OS name, e.g. {@code debian}
 * @param version version number, e.g. {@code 12} or {@code 24.04}
 */
public record OsRelease(String os, String version) {

    private static final Pattern OS = Pattern.compile("[a-z][a-z0-9]{0,31}");
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,4}(\\.[0-9]{1,4}){0,2}");

    /** @throws InvalidSpecException naming {@code os} or {@code version} when malformed */
    public OsRelease {
        if (os == null || !OS.matcher(os).matches()) {
            throw new InvalidSpecException("os", "must be a lower-case OS name such as debian, ubuntu or rockylinux,"
                    + " got '" + InvalidSpecException.shorten(os) + "'");
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new InvalidSpecException("version", "must be a version number such as 12 or 24.04, got '"
                    + InvalidSpecException.shorten(version) + "'");
        }
    }

    /** @return the release for {@code os} and {@code version} */
    public static OsRelease of(String os, String version) {
        return new OsRelease(os, version);
    }

    /** @return {@code <os>_<version>}, the init script's base name */
    public String scriptName() {
        return os + "_" + version;
    }

    @Override
    public String toString() {
        return os + " " + version;
    }
}
