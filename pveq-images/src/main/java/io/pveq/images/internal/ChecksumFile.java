package io.pveq.images.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the checksum files distributions publish beside their images. Each line is recognised on
 * its own, so one parser reads all three formats:
 * <ul>
 *   <li>GNU coreutils ({@code sha256sum}/{@code sha512sum}): {@code <hex> <space|*><name>}, as in
 *       Debian's {@code SHA512SUMS} and Ubuntu's {@code SHA256SUMS}; the algorithm follows from the
 *       hex length;</li>
 *   <li>BSD tagged ({@code sha256sum --tag}): {@code SHA256 (<name>) = <hex>}, as in Rocky's {@code CHECKSUM}.</li>
 * </ul>
 * Blank lines, {@code #} comments, PGP armour and unrecognised lines are skipped. Immutable.
 */
public final class ChecksumFile {

    private static final Pattern GNU = Pattern.compile("^\\\\?([0-9a-fA-F]{64}|[0-9a-fA-F]{128}) [ *](.+)$");
    private static final Pattern BSD = Pattern.compile("^(SHA256|SHA512|SHA-256|SHA-512) ?\\((.+)\\) ?= ?([0-9a-fA-F]+)$");

    private final Map<String, ExpectedChecksum> byName;

    private ChecksumFile(Map<String, ExpectedChecksum> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** @param text the checksum file's content @return the parsed file (possibly listing nothing) */
    public static ChecksumFile parse(String text) {
        Map<String, ExpectedChecksum> out = new LinkedHashMap<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher gnu = GNU.matcher(line);
            if (gnu.matches()) {
                String hex = gnu.group(1);
                String algorithm = hex.length() == 64 ? "SHA-256" : "SHA-512";
                out.putIfAbsent(stripDotSlash(gnu.group(2)), new ExpectedChecksum(algorithm, hex));
                continue;
            }
            Matcher bsd = BSD.matcher(line);
            if (bsd.matches()) {
                String algorithm = bsd.group(1).contains("256") ? "SHA-256" : "SHA-512";
                try {
                    out.putIfAbsent(stripDotSlash(bsd.group(2)), new ExpectedChecksum(algorithm, bsd.group(3)));
                } catch (IllegalArgumentException malformed) {
                    // a hex of the wrong length: not a checksum line we can use
                }
            }
        }
        return new ChecksumFile(out);
    }

    private static String stripDotSlash(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }

    /** @return the checksum listed for {@code fileName}, if any */
    public Optional<ExpectedChecksum> find(String fileName) {
        return Optional.ofNullable(byName.get(fileName));
    }

    /** @return every listed file with its checksum */
    public Map<String, ExpectedChecksum> entries() {
        return byName;
    }
}
