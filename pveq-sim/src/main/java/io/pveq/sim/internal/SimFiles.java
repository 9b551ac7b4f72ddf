package io.pveq.sim.internal;

import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.TransportException;
import io.pveq.sim.internal.state.NodeState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Files copied onto simulated nodes. */
public final class SimFiles {

    private static final long KEEP_CONTENT_BELOW = 64 * 1024;

    private SimFiles() {
    }

    public static void upload(Engine engine, String node, Path localFile, String remotePath, String sha256Hex,
                              FileTransfer.TransferProgress progress) {
        if (!remotePath.startsWith("/")) {
            throw new TransportException("remote path must be absolute: " + remotePath);
        }
        long size;
        String digest;
        try {
            size = Files.size(localFile);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long sent = 0;
            try (InputStream in = new DigestInputStream(Files.newInputStream(localFile), sha)) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    sent += n;
                    progress.onProgress(sent, size);
                }
            }
            digest = HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new TransportException("cannot read " + localFile + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!digest.equals(sha256Hex)) {
            throw new TransportException("checksum mismatch after upload to " + node + ":" + remotePath
                    + " (expected " + sha256Hex + ", got " + digest + ")");
        }
        NodeState.FileEntry entry = new NodeState.FileEntry(size, Engine.virtualSize(localFile, size), digest);
        if (size < KEEP_CONTENT_BELOW) {
            try {
                entry.content = Files.readString(localFile, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                entry.content = null;
            }
        }
        if (size >= KEEP_CONTENT_BELOW) {
            // a real guest boots what was uploaded: keep the bytes (a hard link where possible)
            engine.qemu().ifPresent(qemu -> entry.file = qemu.keepUpload(node, digest, localFile));
        }
        engine.store().write(state -> {
            NodeState target = state.node(node).orElseThrow(() -> new TransportException("no such node " + node));
            if (!target.online) {
                throw new TransportException("ssh: connect to host " + node + " port 22: No route to host");
            }
            target.files.put(remotePath, entry);
            return null;
        });
    }
}
