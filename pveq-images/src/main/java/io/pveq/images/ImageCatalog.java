package io.pveq.images;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.OsRelease;
import io.pveq.core.image.ImageSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The OS images pveq can install, with the mirror each distribution is fetched from. The built-in
 * catalog ({@link #defaults()}) holds the nine releases of SPEC section 2 for {@code amd64}; it is
 * read from the data file {@code io/pveq/images/catalog.tsv}, so adding a release or an
 * architecture is a line of data. Mirrors replace the official base URL per OS (the path below it
 * stays the same), e.g. {@code http://mirror.lan/debian-cloud/} for {@code debian}.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return new catalogs.
 */
public final class ImageCatalog {

    /** The architecture {@link #resolve(OsRelease)} uses. */
    public static final String DEFAULT_ARCH = "amd64";
    private static final String RESOURCE = "catalog.tsv";

    private final List<CatalogEntry> entries;
    private final Map<String, URI> mirrors;

    private ImageCatalog(List<CatalogEntry> entries, Map<String, URI> mirrors) {
        this.entries = List.copyOf(entries);
        this.mirrors = Map.copyOf(mirrors);
    }

    /** @return the built-in catalog with the official mirrors */
    public static ImageCatalog defaults() {
        try (InputStream in = ImageCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("catalog resource missing: " + RESOURCE);
            }
            return of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in image catalog", e);
        }
    }

    /**
     * @param entries the images, in the order {@link #supported()} lists them; no two for one release and arch
     * @return a catalog of exactly these entries with their default mirrors
     * @throws IllegalArgumentException when two entries share a release and arch
     */
    public static ImageCatalog of(List<CatalogEntry> entries) {
        Map<String, CatalogEntry> seen = new LinkedHashMap<>();
        for (CatalogEntry entry : entries) {
            if (seen.put(entry.release() + "/" + entry.arch(), entry) != null) {
                throw new IllegalArgumentException("two catalog entries for " + entry.release() + " " + entry.arch());
            }
        }
        return new ImageCatalog(entries, Map.of());
    }

    /**
     * Parses catalog lines: {@code os version arch base imagePath checksumFile}, blank lines and
     * {@code #} comments ignored.
     *
     * @param text the catalog data
     * @return the entries in file order
     * @throws IllegalArgumentException naming the line when one is malformed
     */
    public static List<CatalogEntry> parse(String text) {
        List<CatalogEntry> out = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new java.io.StringReader(text))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] f = trimmed.split("\\s+");
                if (f.length != 6) {
                    throw new IllegalArgumentException("catalog line " + number + ": expected 6 columns, got " + f.length);
                }
                try {
                    out.add(new CatalogEntry(OsRelease.of(f[0], f[1]), f[2], URI.create(f[3]), f[4], f[5]));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("catalog line " + number + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * @param os   the OS whose images come from the mirror, e.g. {@code ubuntu}
     * @param base the mirror base URL (http or https); a missing trailing {@code /} is added
     * @return a catalog using {@code base} instead of the official base for {@code os}
     */
    public ImageCatalog withMirror(String os, URI base) {
        Objects.requireNonNull(os, "os");
        Map<String, URI> copy = new LinkedHashMap<>(mirrors);
        copy.put(os, asBase(base));
        return new ImageCatalog(entries, copy);
    }

    /** @param more entries to add @return a catalog with them appended */
    public ImageCatalog withEntries(List<CatalogEntry> more) {
        List<CatalogEntry> all = new ArrayList<>(entries);
        all.addAll(more);
        return of(all).withMirrors(mirrors);
    }

    private ImageCatalog withMirrors(Map<String, URI> more) {
        return new ImageCatalog(entries, more);
    }

    /** @return every entry, in catalog order */
    public List<CatalogEntry> entries() {
        return entries;
    }

    /** @return the distinct releases of the catalog, in catalog order */
    public List<OsRelease> supported() {
        return entries.stream().map(CatalogEntry::release).distinct().collect(Collectors.toUnmodifiableList());
    }

    /** @return the mirror base used for {@code os}: the configured mirror, or empty for the official one */
    public Optional<URI> mirror(String os) {
        return Optional.ofNullable(mirrors.get(os));
    }

    /** @return the entry for the release and arch, if the catalog has one */
    public Optional<CatalogEntry> find(OsRelease release, String arch) {
        return entries.stream().filter(e -> e.release().equals(release) && e.arch().equals(arch)).findFirst();
    }

    /**
     * @return the source of the release's {@link #DEFAULT_ARCH} image, mirror applied
     * @throws InvalidSpecException naming {@code os} (unknown OS) or {@code version} (unknown version), listing what is supported
     */
    public ImageSource resolve(OsRelease release) {
        return resolve(release, DEFAULT_ARCH);
    }

    /**
     * @return the source of the release's image for {@code arch}, mirror applied
     * @throws InvalidSpecException naming {@code os}, {@code version} or {@code arch} when the catalog lacks it, listing what is supported
     */
    public ImageSource resolve(OsRelease release, String arch) {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(arch, "arch");
        CatalogEntry entry = find(release, arch).orElseThrow(() -> unsupported(release, arch));
        URI base = mirrors.getOrDefault(release.os(), entry.defaultBase());
        return new ImageSource(release, entry.imageUri(base), entry.checksumUri(base), entry.fileName());
    }

    private InvalidSpecException unsupported(OsRelease release, String arch) {
        String list = supported().stream().map(OsRelease::toString).collect(Collectors.joining(", "));
        boolean osKnown = entries.stream().anyMatch(e -> e.release().os().equals(release.os()));
        boolean releaseKnown = entries.stream().anyMatch(e -> e.release().equals(release));
        String field = !osKnown ? "os" : !releaseKnown ? "version" : "arch";
        String what = releaseKnown ? release + " for " + arch : release.toString();
        return new InvalidSpecException(field, "unsupported OS release " + InvalidSpecException.shorten(what)
                + "; supported: " + list);
    }

    static URI asBase(URI base) {
        Objects.requireNonNull(base, "base");
        String scheme = base.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("mirror base must be an http(s) URL, got " + base);
        }
        String text = base.toString();
        return text.endsWith("/") ? base : URI.create(text + "/");
    }

    @Override
    public String toString() {
        return "ImageCatalog" + supported() + (mirrors.isEmpty() ? "" : " mirrors=" + mirrors);
    }
}
