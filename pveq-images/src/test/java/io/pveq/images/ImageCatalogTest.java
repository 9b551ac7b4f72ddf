package io.pveq.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageSource;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageCatalogTest {

    private final ImageCatalog catalog = ImageCatalog.defaults();

    @Test
    void listsTheNineSpecReleasesInOrder() {
        assertEquals(List.of(OsRelease.of("debian", "11"), OsRelease.of("debian", "12"), OsRelease.of("debian", "13"),
                OsRelease.of("ubuntu", "20.04"), OsRelease.of("ubuntu", "22.04"), OsRelease.of("ubuntu", "24.04"),
                OsRelease.of("rockylinux", "8"), OsRelease.of("rockylinux", "9"), OsRelease.of("rockylinux", "10")),
                catalog.supported());
    }

    @Test
    void resolvesOfficialUrlsWithChecksumFilesBesideTheImages() {
        ImageSource debian = catalog.resolve(OsRelease.of("debian", "13"));
        assertEquals(URI.create("https://cloud.debian.org/images/cloud/trixie/latest/debian-13-generic-amd64.qcow2"),
                debian.imageUri());
        assertEquals(URI.create("https://cloud.debian.org/images/cloud/trixie/latest/SHA512SUMS"), debian.checksumUri());
        assertEquals("debian-13-generic-amd64.qcow2", debian.fileName());

        ImageSource ubuntu = catalog.resolve(OsRelease.of("ubuntu", "22.04"));
        assertEquals(URI.create("https://cloud-images.ubuntu.com/releases/22.04/release/"
                + "ubuntu-22.04-server-cloudimg-amd64.img"), ubuntu.imageUri());
        assertEquals(URI.create("https://cloud-images.ubuntu.com/releases/22.04/release/SHA256SUMS"),
                ubuntu.checksumUri());

        ImageSource rocky = catalog.resolve(OsRelease.of("rockylinux", "9"));
        assertEquals(URI.create("https://dl.rockylinux.org/pub/rocky/9/images/x86_64/"
                + "Rocky-9-GenericCloud-Base.latest.x86_64.qcow2"), rocky.imageUri());
        assertEquals(URI.create("https://dl.rockylinux.org/pub/rocky/9/images/x86_64/CHECKSUM"), rocky.checksumUri());
    }

    @Test
    void mirrorReplacesTheBaseForOneDistributionOnly() {
        ImageCatalog mirrored = catalog.withMirror("ubuntu", URI.create("http://127.0.0.1:8080/ubuntu-cloud"));
        assertEquals(URI.create("http://127.0.0.1:8080/ubuntu-cloud/releases/24.04/release/"
                + "ubuntu-24.04-server-cloudimg-amd64.img"), mirrored.resolve(OsRelease.of("ubuntu", "24.04")).imageUri());
        assertEquals(URI.create("http://127.0.0.1:8080/ubuntu-cloud/releases/24.04/release/SHA256SUMS"),
                mirrored.resolve(OsRelease.of("ubuntu", "24.04")).checksumUri());
        assertTrue(mirrored.resolve(OsRelease.of("debian", "12")).imageUri().toString()
                .startsWith("https://cloud.debian.org/"));
    }

    @Test
    void unknownOsNamesOsAndListsSupportedReleases() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> catalog.resolve(OsRelease.of("fedora", "40")));
        assertEquals("os", e.field());
        assertTrue(e.getMessage().contains("fedora 40"), e.getMessage());
        assertTrue(e.getMessage().contains("debian 11, debian 12, debian 13, ubuntu 20.04"), e.getMessage());
        assertTrue(e.getMessage().contains("rockylinux 10"), e.getMessage());
    }

    @Test
    void unknownVersionOfKnownOsNamesVersion() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> catalog.resolve(OsRelease.of("debian", "10")));
        assertEquals("version", e.field());
        assertTrue(e.getMessage().contains("debian 10"), e.getMessage());
    }

    @Test
    void unknownArchitectureNamesArch() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> catalog.resolve(OsRelease.of("debian", "12"), "arm64"));
        assertEquals("arch", e.field());
    }

    @Test
    void moreReleasesAndArchitecturesAreData() {
        ImageCatalog more = catalog.withEntries(ImageCatalog.parse(
                "debian 12 arm64 https://cloud.debian.org/ images/cloud/bookworm/latest/debian-12-generic-arm64.qcow2"
                        + " SHA512SUMS\n"));
        assertEquals(URI.create("https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-arm64.qcow2"),
                more.resolve(OsRelease.of("debian", "12"), "arm64").imageUri());
        assertEquals(9, more.supported().size());
    }

    @Test
    void malformedCatalogLineIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageCatalog.parse("# comment\n\ndebian 12 amd64 https://x/ ../escape.qcow2 SHA512SUMS\n"));
        assertTrue(e.getMessage().startsWith("catalog line 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageCatalog.of(List.of(
                catalog.entries().get(0), catalog.entries().get(0))));
    }
}
