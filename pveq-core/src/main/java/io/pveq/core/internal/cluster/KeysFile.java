package io.pveq.core.internal.cluster;

import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.FileTransfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public-keys file {@code qm --sshkeys} reads on the node: written with mode 0600 (locally
 * through the file system, remotely through the transport's {@link FileTransfer}), removed right
 * after the create. Removal is best effort and never fails the install (a leftover file holds
 * public keys only). Not thread-safe; one per install.
 */
final class KeysFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeysFile.class);

    private final ListeningTransport transport;
    private final NodeName node;
    private final String path;
    private final Optional<Path> localFile;
    private boolean removed;

    private KeysFile(ListeningTransport transport, NodeName node, String path, Optional<Path> localFile) {
        this.transport = transport;
        this.node = node;
        this.path = path;
        this.localFile = localFile;
    }

    /**
     * Writes the keys where {@code qm} on {@code node} can read them.
     *
     * @param keys one OpenSSH public key per line
     * @throws NodeUnavailableException when the node is remote and its transport cannot copy files
     */
    static KeysFile write(NodeName node, CliOps.Reach target, String keys) {
        Path temp = createPrivateTemp(keys);
        if (target.local()) {
            return new KeysFile(target.transport(), node, temp.toAbsolutePath().toString(), Optional.of(temp));
        }
        try {
            if (!target.canUpload()) {
                throw new NodeUnavailableException(node.value(), "node " + node + " is reached through a transport"
                        + " that cannot copy files; the SSH keys file for cloud-init cannot be placed there");
            }
            String remote = "/tmp/pveq-keys-" + UUID.randomUUID() + ".pub";
            target.transport().upload(temp, remote, sha256(keys), FileTransfer.TransferProgress.NONE);
            return new KeysFile(target.transport(), node, remote, Optional.empty());
        } finally {
            deleteQuietly(temp);
        }
    }

    private static Path createPrivateTemp(String keys) {
        try {
            Path temp;
            try {
                temp = Files.createTempFile("pveq-keys-", ".pub",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                temp = Files.createTempFile("pveq-keys-", ".pub");
            }
            Files.writeString(temp, keys, StandardCharsets.UTF_8);
            return temp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SSH keys file", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the absolute path on the node */
    String path() {
        return path;
    }

    /** Removes the file; idempotent, never throws. */
    @Override
    public void close() {
        if (removed) {
            return;
        }
        removed = true;
        if (localFile.isPresent()) {
            deleteQuietly(localFile.get());
            return;
        }
        try {
            CommandResult r = transport.run(CommandRequest.builder(List.of("rm", "-f", "--", path))
                    .timeout(Duration.ofSeconds(30)).build());
            if (!r.succeeded()) {
                LOG.debug("removing {} on {} exited with {}: {}", path, node, r.exitCode(), r.stderrTail(200));
            }
        } catch (RuntimeException e) {
            LOG.debug("removing {} on {} failed: {}", path, node, e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}", file, e);
        }
    }
}
