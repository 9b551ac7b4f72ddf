package io.pveq.ssh.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;

/** SSH public-key blobs and their {@code SHA256:} fingerprints, computed as {@code ssh-keygen -l} does. */
public final class Fingerprints {

    private Fingerprints() {
    }

    /** @return the key in SSH wire format (the bytes base64-encoded in known_hosts and authorized_keys) */
    public static byte[] blob(PublicKey key) {
        return new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
    }

    /** @return the SSH key type name, e.g. {@code ssh-ed25519} */
    public static String type(PublicKey key) {
        return KeyType.fromKey(key).toString();
    }

    /** @return {@code SHA256:} and the unpadded base64 of the blob's SHA-256 */
    public static String sha256(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** @return the fingerprint of {@code key} */
    public static String sha256(PublicKey key) {
        return sha256(blob(key));
    }

    /** @return {@code <type> <base64 blob> <comment>}, the line for authorized_keys */
    public static String authorizedKeyLine(PublicKey key, String comment) {
        String line = type(key) + " " + Base64.getEncoder().encodeToString(blob(key));
        return comment.isBlank() ? line : line + " " + comment.strip();
    }
}
