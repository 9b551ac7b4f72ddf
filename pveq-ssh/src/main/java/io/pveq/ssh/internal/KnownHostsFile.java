package io.pveq.ssh.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A parsed OpenSSH {@code known_hosts} file: plain and hashed ({@code |1|salt|hash}) host fields,
 * comma-separated patterns with {@code *}, {@code ?} and {@code !}, {@code [host]:port} names, the
 * {@code @revoked} marker. {@code @cert-authority} lines are skipped (certificates are not used).
 * Immutable.
 */
public final class KnownHostsFile {

    /** One usable line. */
    record Entry(String hosts, String keyType, byte[] blob, boolean revoked) {
    }

    private final List<Entry> entries;

    private KnownHostsFile(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param file the file; a missing file reads as empty
     * @return its entries
     * @throws IOException when it cannot be read
     */
    public static KnownHostsFile read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lines = List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            int at = 0;
            boolean revoked = false;
            if (fields[0].startsWith("@")) {
                if (!fields[0].equals("@revoked")) {
                    continue;
                }
                revoked = true;
                at = 1;
            }
            if (fields.length < at + 3) {
                continue;
            }
            try {
                entries.add(new Entry(fields[at], fields[at + 1], Base64.getDecoder().decode(fields[at + 2]), revoked));
            } catch (IllegalArgumentException malformed) {
                // a damaged line is skipped, as ssh does
            }
        }
        return new KnownHostsFile(entries);
    }

    /** The name known_hosts uses: {@code host} on port 22, {@code [host]:port} elsewhere. */
    static String lookupName(String host, int port) {
        String lower = host.toLowerCase(Locale.ROOT);
        return port == 22 ? lower : "[" + lower + "]:" + port;
    }

    /** @return the entries whose host field matches {@code host} on {@code port} */
    public List<Entry> entriesFor(String host, int port) {
        String name = lookupName(host, port);
        return entries.stream().filter(entry -> hostFieldMatches(entry.hosts(), name)).toList();
    }

    /**
     * Decides about an offered key.
     *
     * @return empty when trusted; otherwise the fingerprints on record (empty list: the host is unknown)
     */
    public java.util.Optional<List<String>> refusal(String host, int port, String keyType, byte[] blob) {
        List<Entry> matching = entriesFor(host, port);
        for (Entry entry : matching) {
            if (entry.revoked() && MessageDigest.isEqual(entry.blob(), blob)) {
                return java.util.Optional.of(List.of(Fingerprints.sha256(blob) + " (@revoked)"));
            }
        }
        for (Entry entry : matching) {
            if (!entry.revoked() && MessageDigest.isEqual(entry.blob(), blob)) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(matching.stream().filter(entry -> !entry.revoked())
                .map(entry -> entry.keyType() + " " + Fingerprints.sha256(entry.blob())).toList());
    }

    static boolean hostFieldMatches(String field, String name) {
        if (field.startsWith("|1|")) {
            return hashedMatches(field, name);
        }
        boolean matched = false;
        for (String pattern : field.toLowerCase(Locale.ROOT).split(",")) {
            boolean negated = pattern.startsWith("!");
            String body = negated ? pattern.substring(1) : pattern;
            if (wildcardMatches(body, name)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    private static boolean hashedMatches(String field, String name) {
        String[] parts = field.split("\\|");
        if (parts.length != 4) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return MessageDigest.isEqual(expected, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    /** Glob match with {@code *} (any run) and {@code ?} (one character), iterative with backtracking. */
    static boolean wildcardMatches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
