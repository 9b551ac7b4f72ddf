package io.pveq.core.internal.pve;

import io.pveq.core.InvalidSpecException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code sshkeys} value of a VM: OpenSSH public keys, one per line, URL-encoded.
 *
 * <p>{@code qm --sshkeys} takes a FILE PATH and encodes the file itself; through {@code pvesh} or the
 * HTTP API the caller must send the encoded text, and Proxmox expects spaces as {@code %20}, never
 * {@code +} (form encoding would corrupt the keys). {@link #encode} keeps only RFC 3986 unreserved
 * characters ({@code A-Z a-z 0-9 - . _ ~}) and percent-encodes every other UTF-8 byte, as Proxmox's own
 * encoder does; {@code qm config} shows the stored value in that form. Stateless and thread-safe.
 */
public final class SshKeys {

    private static final Pattern KEY_LINE = Pattern.compile(
            "(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com"
                    + "|sk-ecdsa-sha2-nistp256@openssh\\.com)\\s+[A-Za-z0-9+/]+={0,3}(\\s+\\S.*)?");
    private static final String HEX = "0123456789ABCDEF";

    private SshKeys() {
    }

    /**
     * Checks and normalises public keys: trims lines, drops blank ones and {@code #} comments.
     *
     * @param keys one or more OpenSSH public keys, one per line
     * @return the keys joined by {@code \n}, with a trailing newline
     * @throws InvalidSpecException when there is no key or a line is not an OpenSSH public key
     */
    public static String normalize(String keys) {
        if (keys == null) {
            throw new InvalidSpecException("sshKeys", "must not be null");
        }
        List<String> lines = new ArrayList<>();
        for (String raw : keys.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!KEY_LINE.matcher(line).matches()) {
                throw new InvalidSpecException("sshKeys", "is not an OpenSSH public key line: '"
                        + InvalidSpecException.shorten(line) + "'");
            }
            lines.add(line);
        }
        if (lines.isEmpty()) {
            throw new InvalidSpecException("sshKeys", "holds no public key");
        }
        return String.join("\n", lines) + "\n";
    }

    /**
     * @param text any text
     * @return the text URL-encoded the way Proxmox stores {@code sshkeys} ({@code %20} for spaces)
     */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
            }
        }
        return out.toString();
    }

    /**
     * Decodes a stored {@code sshkeys} value. A {@code +} stays a plus sign (it is not form encoding).
     *
     * @param encoded the URL-encoded text
     * @return the decoded text
     * @throws IllegalArgumentException on a broken {@code %} escape
     */
    public static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < encoded.length()) {
            int c = encoded.codePointAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("truncated %-escape in '" + encoded + "'");
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad %-escape in '" + encoded + "'");
                }
                bytes.write(hi << 4 | lo);
                i += 3;
            } else {
                byte[] utf8 = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
