package io.pveq.ssh.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.FileTransfer.TransferProgress;
import io.pveq.core.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;

/**
 * Atomic upload: SFTP into {@code .<name>.pveq-<random>.part} beside the target, remote
 * {@code sha256sum}, then {@code mv -f} into place; any failure removes the partial file.
 */
public final class SftpUpload {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(30);

    private final Function<CommandRequest, CommandResult> run;
    private final ConnectionPool pool;
    private final String target;

    /**
     * @param run    runs a command on the same host
     * @param pool   the host's connections (SFTP takes one channel)
     * @param target for messages
     */
    public SftpUpload(Function<CommandRequest, CommandResult> run, ConnectionPool pool, String target) {
        this.run = run;
        this.pool = pool;
        this.target = target;
    }

    /** See {@link io.pveq.core.transport.FileTransfer#upload}. */
    public void upload(Path localFile, String remotePath, String sha256Hex, TransferProgress progress) {
        if (!remotePath.startsWith("/") || remotePath.endsWith("/") || remotePath.contains("/../")
                || remotePath.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("remotePath must be an absolute file path, got " + remotePath);
        }
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256Hex must be 64 lower-case hex digits");
        }
        int slash = remotePath.lastIndexOf('/');
        String parent = slash == 0 ? "/" : remotePath.substring(0, slash);
        String name = remotePath.substring(slash + 1);
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        String temp = (parent.equals("/") ? "" : parent) + "/." + name + ".pveq-" + HexFormat.of().formatHex(random)
                + ".part";
        long size;
        try {
            size = Files.size(localFile);
        } catch (IOException e) {
            throw new TransportException("cannot read " + localFile + ": " + e.getMessage(), e);
        }
        command("create folder", List.of("mkdir", "-p", "--", parent));
        boolean placed = false;
        try {
            send(localFile, temp, size, progress);
            CommandResult sum = command("checksum", List.of("sha256sum", "--", temp));
            String actual = sum.stdout().strip().split("\\s+")[0].replace("\\", "");
            if (!actual.equals(sha256Hex)) {
                throw new TransportException("upload of " + localFile + " to " + target + ":" + remotePath
                        + " arrived with SHA-256 " + actual + ", expected " + sha256Hex + "; removed");
            }
            command("rename into place", List.of("mv", "-f", "--", temp, remotePath));
            placed = true;
        } finally {
            if (!placed) {
                try {
                    run.apply(CommandRequest.of("rm", "-f", "--", temp));
                } catch (RuntimeException ignored) {
                    // the original failure matters more
                }
            }
        }
    }

    private CommandResult command(String step, List<String> argv) {
        CommandResult result = run.apply(CommandRequest.builder(argv).timeout(STEP_TIMEOUT).build());
        if (!result.succeeded()) {
            throw new TransportException("upload to " + target + " failed at step '" + step + "' (" + result
                    + "): " + result.stderrTail(300));
        }
        return result;
    }

    private void send(Path localFile, String temp, long size, TransferProgress progress) {
        try (ConnectionPool.Lease lease = pool.acquire()) {
            try (SFTPClient sftp = lease.client().newSFTPClient();
                 RemoteFile file = sftp.open(temp, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL));
                 InputStream in = Files.newInputStream(localFile);
                 OutputStream out = file.new RemoteFileOutputStream(0, 16)) {
                byte[] buffer = new byte[32 * 1024];
                long sent = 0;
                int n;
                progress.onProgress(0, size);
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    sent += n;
                    progress.onProgress(sent, size);
                }
            } catch (IOException e) {
                if (!lease.client().isConnected()) {
                    lease.broken();
                }
                throw new TransportException("uploading " + localFile + " to " + target + ":" + temp + " failed: "
                        + SshConnector.describe(e), e);
            }
        }
    }
}
