package io.pveq.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.transport.TransportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** File upload to a node over SFTP, with remote checksum and atomic rename, against real sshd. */
class SftpUploadTest {

    @RegisterExtension
    static final OpenSshServer SSHD = new OpenSshServer();

    @TempDir
    Path local;

    @TempDir
    Path remote;

    private Path sample(int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        Path file = local.resolve("disk.qcow2");
        Files.write(file, bytes);
        return file;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void uploadsIntoANewFolderWithProgressAndTheRightContent() throws Exception {
        Path file = sample(3 * 1024 * 1024 + 17);
        Path target = remote.resolve("images/with space/disk.qcow2");
        List<long[]> progress = new ArrayList<>();
        try (SshCommandTransport transport = SSHD.transport().build()) {
            transport.upload(file, target.toString(), sha256(file), (sent, total) -> progress.add(new long[] {sent, total}));
        }
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));
        assertEquals(Files.size(file), progress.get(progress.size() - 1)[0]);
        long size = Files.size(file);
        assertTrue(progress.stream().allMatch(p -> p[1] == size));
        assertTrue(progress.size() > 2, "progress is reported along the way");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of(target), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void checksumMismatchLeavesNothingAtTheTarget() throws Exception {
        Path file = sample(100_000);
        Path target = remote.resolve("disk.qcow2");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            TransportException thrown = assertThrows(TransportException.class,
                    () -> transport.upload(file, target.toString(), "0".repeat(64), null));
            assertTrue(thrown.getMessage().contains(sha256(file)), thrown.getMessage());
        }
        assertFalse(Files.exists(target));
        try (Stream<Path> files = Files.list(remote)) {
            assertEquals(List.of(), files.toList(), "the partial file was removed");
        }
    }

    @Test
    void replacesAnExistingFileAtomically() throws Exception {
        Path file = sample(50_000);
        Path target = remote.resolve("disk.qcow2");
        Files.writeString(target, "old content");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            transport.upload(file, target.toString(), sha256(file), null);
        }
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(target));
    }

    @Test
    void relativeRemotePathIsRejected() throws Exception {
        Path file = sample(10);
        try (SshCommandTransport transport = SSHD.transport().build()) {
            assertThrows(IllegalArgumentException.class, () -> transport.upload(file, "images/disk.qcow2",
                    sha256(file), null));
        }
    }
}
