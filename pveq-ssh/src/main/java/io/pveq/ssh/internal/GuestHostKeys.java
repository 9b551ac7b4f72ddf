package io.pveq.ssh.internal;

import io.pveq.ssh.HostKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trust on first use for guests, in memory: the first key a guest endpoint shows is recorded, later
 * connections must show the same key. Thread-safe.
 */
public final class GuestHostKeys {

    private final Map<String, byte[]> recorded = new ConcurrentHashMap<>();

    /** @return a check bound to one endpoint, identified by {@code id} */
    public HostKeyCheck checkFor(String id) {
        return new HostKeyCheck() {
            @Override
            public Optional<HostKeyException> check(String host, int port, PublicKey key) {
                byte[] blob = Fingerprints.blob(key);
                byte[] known = recorded.putIfAbsent(id, blob);
                if (known == null || MessageDigest.isEqual(known, blob)) {
                    return Optional.empty();
                }
                return Optional.of(new HostKeyException(host, port, Fingerprints.sha256(blob),
                        List.of(Fingerprints.sha256(known))));
            }

            @Override
            public List<String> recordedKeyTypes(String host, int port) {
                byte[] known = recorded.get(id);
                if (known == null) {
                    return List.of();
                }
                int length = java.nio.ByteBuffer.wrap(known).getInt();
                String type = new String(known, 4, length, java.nio.charset.StandardCharsets.US_ASCII);
                return type.equals("ssh-rsa") ? List.of("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa") : List.of(type);
            }
        };
    }

    /** @return the fingerprint recorded for {@code id}, if any */
    public Optional<String> fingerprint(String id) {
        return Optional.ofNullable(recorded.get(id)).map(Fingerprints::sha256);
    }

    /** Forgets what was recorded for {@code id}. */
    public void forget(String id) {
        recorded.remove(id);
    }
}
