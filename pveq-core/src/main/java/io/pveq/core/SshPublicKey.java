package io.pveq.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One OpenSSH public key line, {@code <type> <base64> [comment]}, as found in
 * {@code ~/.ssh/id_ed25519.pub}: checked to be a single line with a known key type whose base64
 * part decodes to a key blob of that same type. Options ({@code command=...}) and certificates are
 * not accepted. Only construct through {@link #parse}.
 *
 * @param type    the key type, e.g. {@code ssh-ed25519}
 * @param base64  the key blob, base64
 * @param comment the comment, possibly empty
 */
public record SshPublicKey(String type, String base64, String comment) {

    /** Key types accepted ({@code ssh-dss} is not: OpenSSH 9 refuses DSA keys by default). */
    public static final Set<String> TYPES = Set.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com");

    /** Longest line accepted, in characters (a 16384-bit RSA key takes about 2,800). */
    public static final int MAX_LENGTH = 8192;

    /** @throws InvalidSpecException naming {@code pubkey} when the parts are not a valid key */
    public SshPublicKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(base64, "base64");
        Objects.requireNonNull(comment, "comment");
        check("pubkey", type, base64, comment);
    }

    /**
     * @param field the request field named in the error, e.g. {@code pubkey}
     * @param line  the key line; may be null (then rejected)
     * @return the key
     * @throws InvalidSpecException naming {@code field} when {@code line} is not exactly one valid OpenSSH public key line
     */
    public static SshPublicKey parse(String field, String line) {
        if (line == null || line.isEmpty()) {
            throw new InvalidSpecException(field, "must be an OpenSSH public key line such as 'ssh-ed25519 AAAA... me@host'");
        }
        if (line.length() > MAX_LENGTH) {
            throw new InvalidSpecException(field, "must be at most " + MAX_LENGTH + " characters, got " + line.length());
        }
        for (int i = 0; i < line.length(); i++) {
            if (Character.isISOControl(line.charAt(i))) {
                throw new InvalidSpecException(field, "must be a single line without control characters"
                        + " (one key only; remove newlines and tabs)");
            }
        }
        String[] parts = line.strip().split(" +", 3);
        if (parts.length < 2) {
            throw new InvalidSpecException(field, "must have a key type and a base64 key, got '"
                    + InvalidSpecException.shorten(line) + "'");
        }
        String comment = parts.length == 3 ? parts[2].strip() : "";
        check(field, parts[0], parts[1], comment);
        return new SshPublicKey(parts[0], parts[1], comment);
    }

    private static void check(String field, String type, String base64, String comment) {
        if (!TYPES.contains(type)) {
            throw new InvalidSpecException(field, "key type must be one of "
                    + String.join(", ", TYPES.stream().sorted().toList())
                    + ", got '" + InvalidSpecException.shorten(type) + "'");
        }
        if (type.length() + base64.length() + comment.length() + 2 > MAX_LENGTH
                || (type + base64 + comment).chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSpecException(field, "must be one line of at most " + MAX_LENGTH + " characters");
        }
        if (base64.isEmpty() || base64.contains(" ")) {
            throw new InvalidSpecException(field, "key data is not valid base64");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(field, "key data is not valid base64");
        }
        if (!type.equals(blobType(blob).orElse(null))) {
            throw new InvalidSpecException(field, "key data does not hold a " + type + " key");
        }
    }

    private static Optional<String> blobType(byte[] blob) {
        if (blob.length < 4 + 7) {
            return Optional.empty();
        }
        int length = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (length <= 0 || length > 64 || 4 + length > blob.length) {
            return Optional.empty();
        }
        return Optional.of(new String(blob, 4, length, StandardCharsets.US_ASCII));
    }

    /** @return the line {@code type base64 [comment]}, as authorized_keys takes it */
    public String line() {
        return comment.isEmpty() ? type + " " + base64 : type + " " + base64 + " " + comment;
    }

    /** @return the type and the start of the key, enough to recognise it in logs */
    @Override
    public String toString() {
        return type + " " + base64.substring(0, Math.min(16, base64.length())) + "..."
                + (comment.isEmpty() ? "" : " " + comment);
    }
}
