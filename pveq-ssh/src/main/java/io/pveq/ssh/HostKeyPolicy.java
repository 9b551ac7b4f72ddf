package io.pveq.ssh;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * How a server's host key is checked before any credential is sent. Secure by default: a key must
 * be listed in an OpenSSH {@code known_hosts} file or match a pinned SHA-256 fingerprint; accepting
 * any key has to be asked for by name ({@link #acceptAnyHostKey()}). A key that differs from the
 * recorded one fails the connection with {@link HostKeyException} naming host and fingerprints.
 * Immutable and thread-safe.
 */
public sealed interface HostKeyPolicy
        permits HostKeyPolicy.KnownHosts, HostKeyPolicy.Pinned, HostKeyPolicy.AcceptAny {

    /**
     * Checks keys against an OpenSSH {@code known_hosts} file (plain or hashed host names,
     * {@code [host]:port} entries, wildcards, {@code @revoked}). The file is read at each new
     * connection; it is never written. A host that is not listed is refused.
     *
     * @param file the known_hosts file, e.g. {@code ~/.ssh/known_hosts}
     * @return the policy
     */
    static HostKeyPolicy knownHosts(Path file) {
        return new KnownHosts(file);
    }

    /**
     * Accepts exactly the keys with these fingerprints, as {@code ssh-keygen -lf} prints them.
     *
     * @param sha256Fingerprints one or more {@code SHA256:<base64 without padding>} values
     * @return the policy
     */
    static HostKeyPolicy pinned(String... sha256Fingerprints) {
        return new Pinned(Set.of(sha256Fingerprints));
    }

    /**
     * Accepts whatever key the server shows: anyone on the path can impersonate it. Only for
     * throw-away test machines; every connection logs a warning with the fingerprint it accepted.
     *
     * @return the policy
     */
    static HostKeyPolicy acceptAnyHostKey() {
        return new AcceptAny();
    }

    /**
     * Keys listed in an OpenSSH known_hosts file.
     *
     * @param file the file to read
     */
    record KnownHosts(Path file) implements HostKeyPolicy {
        /** Validates. */
        public KnownHosts {
            Objects.requireNonNull(file, "file");
        }
    }

    /**
     * Pinned SHA-256 fingerprints.
     *
     * @param fingerprints at least one {@code SHA256:...} value
     */
    record Pinned(Set<String> fingerprints) implements HostKeyPolicy {
        /** Validates and copies. */
        public Pinned {
            fingerprints = Set.copyOf(fingerprints);
            if (fingerprints.isEmpty()) {
                throw new IllegalArgumentException("at least one fingerprint must be pinned");
            }
            for (String fingerprint : fingerprints) {
                if (!fingerprint.matches("SHA256:[A-Za-z0-9+/]{43}")) {
                    throw new IllegalArgumentException(
                            "a pinned fingerprint looks like SHA256: and 43 base64 characters, got " + fingerprint);
                }
            }
        }
    }

    /** Any key; insecure, see {@link #acceptAnyHostKey()}. */
    record AcceptAny() implements HostKeyPolicy {
    }
}
