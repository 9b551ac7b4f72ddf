package io.pveq.ssh.internal;

import io.pveq.ssh.HostKeyException;
import io.pveq.ssh.HostKeyPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decides whether a server's host key is trusted. Implementations are thread-safe. */
public interface HostKeyCheck {

    /**
     * @return empty when the key is trusted, else the reason it is refused
     */
    Optional<HostKeyException> check(String host, int port, PublicKey key);

    /** @return key types on record for the host, to be proposed first during key exchange */
    default List<String> recordedKeyTypes(String host, int port) {
        return List.of();
    }

    /** @return the check a public {@link HostKeyPolicy} describes */
    static HostKeyCheck of(HostKeyPolicy policy) {
        if (policy instanceof HostKeyPolicy.KnownHosts knownHosts) {
            return new KnownHostsCheck(knownHosts);
        }
        if (policy instanceof HostKeyPolicy.Pinned pinned) {
            return (host, port, key) -> {
                String offered = Fingerprints.sha256(key);
                return pinned.fingerprints().contains(offered) ? Optional.empty()
                        : Optional.of(new HostKeyException(host, port, offered, List.copyOf(pinned.fingerprints())));
            };
        }
        Logger log = LoggerFactory.getLogger(HostKeyCheck.class);
        return (host, port, key) -> {
            log.warn("accepting host key {} of {}:{} without checking it (accept-any policy)",
                    Fingerprints.sha256(key), host, port);
            return Optional.empty();
        };
    }

    /** known_hosts, re-read at every connection so edits apply without a restart. */
    final class KnownHostsCheck implements HostKeyCheck {
        private final HostKeyPolicy.KnownHosts policy;

        KnownHostsCheck(HostKeyPolicy.KnownHosts policy) {
            this.policy = policy;
        }

        private KnownHostsFile file() {
            try {
                return KnownHostsFile.read(policy.file());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read known_hosts file " + policy.file(), e);
            }
        }

        @Override
        public Optional<HostKeyException> check(String host, int port, PublicKey key) {
            byte[] blob = Fingerprints.blob(key);
            return file().refusal(host, port, Fingerprints.type(key), blob)
                    .map(expected -> new HostKeyException(host, port, Fingerprints.sha256(blob), expected));
        }

        @Override
        public List<String> recordedKeyTypes(String host, int port) {
            return file().entriesFor(host, port).stream().filter(entry -> !entry.revoked())
                    .flatMap(entry -> entry.keyType().equals("ssh-rsa")
                            ? List.of("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa").stream()
                            : List.of(entry.keyType()).stream())
                    .distinct().toList();
        }
    }
}
